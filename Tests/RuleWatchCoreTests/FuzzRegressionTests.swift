import Foundation
import Testing
@testable import RuleWatchCore

/// Inputs the fuzzer once crashed the library with (`fuzz/regressions`): each must now parse,
/// or be refused, quietly, and go on through the history, the analyzer and both reports the
/// way `fuzz/FuzzCapture.swift` drives them.
@Suite struct FuzzRegressionTests {
    static let directory = Corpus.repoRoot.appendingPathComponent("fuzz/regressions")
    static let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()

    @Test func regressionsAreThere() { #expect(Self.files.count >= 5) }

    @Test(arguments: files)
    func crashInputParsesWithoutTrapping(_ file: String) throws {
        let bytes = Array(try Data(contentsOf: Self.directory.appendingPathComponent(file)))
        var summary = Summary()
        var rules = CollectingSink()
        for parse in [{ try CaptureParser().parse(bytes: bytes, name: file, into: &summary) },
                      { try CaptureParser().parse(bytes: bytes, name: file, into: &rules) }] {
            do { try parse() } catch let error as CaptureError {
                #expect(error.exitStatus == 65, "\(error)")
            }
        }
    }

    @Test(arguments: files)
    func crashInputIsAnalyzedAndReported(_ file: String) throws {
        let bytes = Array(try Data(contentsOf: Self.directory.appendingPathComponent(file)))
        var history = CaptureHistory()
        do { try CaptureParser().parse(bytes: bytes, name: file, into: &history) } catch let error as CaptureError {
            #expect(error.exitStatus == 65, "\(error)")
        }
        // The input read as an egress CSV too, and a CSV on the snapshots' own times.
        let csv = try? EgressSeries.parseCSV(bytes, file: file)
        let onSnapshots = EgressSeries(rows: history.snapshots.compactMap { s in
            s.time.map { EgressSeries.Row(time: $0, sample: EgressSample(ok: UInt64(s.index % 2), total: 1)) }
        })
        for egress in [nil, onSnapshots, csv] {
            let result = Analyzer().analyze(history, egress: egress, timeline: true)
            let text = result.text()
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F }, "\(text)")
            let json = result.json()
            #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil, "\(json)")
        }
    }
}
