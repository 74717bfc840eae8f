import Foundation
import Testing
@testable import RuleWatchCore

/// Every real dump of the corpus in `Tests/Corpus` parses to the counts its publisher's text holds.
@Suite struct CorpusTests {
    /// The parameterized tests below run once per row of `expected.tsv`: a lost row or file
    /// would make them run fewer times and still pass, so the rows are counted here.
    @Test func everyDumpOfTheCorpusHasItsRowAndFile() throws {
        let rows = try Corpus.table.get()
        #expect(rows.count == Corpus.fileCount, "expected \(Corpus.fileCount) rows in \(Corpus.directory.path)/expected.tsv")
        #expect(Set(rows.map(\.file)).count == rows.count, "a file has two rows")
        let prefixes = ["listing-": 16, "save-": 12, "nft-": 5, "nftjson-": 2]
        for (prefix, count) in prefixes {
            #expect(rows.filter { $0.file.hasPrefix(prefix) }.count == count, "\(prefix) rows")
        }
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: Corpus.directory.path)
            .filter { $0 != "MANIFEST.md" && $0 != "expected.tsv" }
        #expect(Set(onDisk) == Set(rows.map(\.file)), "files on disk and rows of expected.tsv differ")
    }

    /// Each dump is published by someone else: the manifest credits its source.
    @Test func manifestCreditsEveryDump() throws {
        let manifest = try String(contentsOf: Corpus.directory.appendingPathComponent("MANIFEST.md"), encoding: .utf8)
        let rows = try Corpus.table.get()
        #expect(!rows.isEmpty)
        for row in rows {
            #expect(manifest.contains("| \(row.file) | "), "MANIFEST.md has no row for \(row.file)")
        }
    }

    @Test(arguments: Corpus.expectations)
    func summaryMatchesExpectedCounts(_ e: Corpus.Expectation) throws {
        let bytes = try Corpus.bytes(e.file)
        var summary = Summary()
        var warnings: [Diagnostic] = []
        try CaptureParser(options: ParseOptions()) { warnings.append($0) }.parse(bytes: bytes, name: e.file, into: &summary)
        #expect(summary.snapshots == 1, "\(e.file): \(summary.line)")
        #expect(summary.chains == e.chains, "\(e.file): \(summary.line)")
        #expect(summary.counted == e.counted, "\(e.file): \(summary.line)")
        #expect(summary.rules == e.ruleLines, "\(e.file): \(summary.line)")
        if let packets = e.packets { #expect(summary.packets == packets, "\(e.file): \(summary.line)") }
        #expect(warnings.isEmpty, "\(e.file): \(warnings)")
    }

    /// The rule-storing path sees the same rules as the counting path.
    @Test(arguments: Corpus.expectations)
    func storedRulesAgreeWithCounts(_ e: Corpus.Expectation) throws {
        let bytes = try Corpus.bytes(e.file)
        var sink = CollectingSink()
        try CaptureParser().parse(bytes: bytes, name: e.file, into: &sink)
        let rules = sink.snapshots.flatMap(\.rules)
        #expect(rules.count == e.ruleLines)
        #expect(rules.filter { $0.packets != nil }.count == e.counted)
        #expect(sink.snapshots.map(\.chains).reduce(0, +) == e.chains)
        for r in rules {
            #expect(!r.chain.isEmpty && !r.table.isEmpty && r.position >= 1, "\(e.file): \(r)")
        }
    }
}
