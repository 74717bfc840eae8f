import Testing
import Foundation
@testable import RuleWatchCore

/// The bundled incident capture (`Samples/incident`, made on a real kernel with decoys).
@Suite struct DetectorSampleTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Samples/incident").standardized

    @Test func bundledIncidentRanksBothRedirectsFirst() throws {
        let capture = Self.folder.appendingPathComponent("capture.txt")
        guard FileManager.default.fileExists(atPath: capture.path) else { return }
        var history = CaptureHistory()
        try CaptureParser().parse(files: [capture.path], into: &history)
        let csv = try Data(contentsOf: Self.folder.appendingPathComponent("egress.csv"))
        let egress = try EgressSeries.parseCSV(Array(csv), file: "egress.csv")
        for source in [egress, nil] {
            let result = Analyzer().analyze(history, egress: source)
            let top = result.findings.prefix(2)
            #expect(top.count == 2 && top.allSatisfy { $0.severity == .critical && $0.target == "REDIRECT" })
            #expect(result.findings.dropFirst(2).allSatisfy { $0.severity != .critical })
            if !(top.allSatisfy { $0.severity == .critical }) { print(result.text()) }
        }
    }
}
