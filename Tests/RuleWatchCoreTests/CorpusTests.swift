import Foundation
import Testing
@testable import RuleWatchCore

/// Every real dump of the shared corpus parses to the counts its publisher's text holds.
@Suite struct CorpusTests {
    @Test func corpusIsThere() {
        #expect(Corpus.expectations.count == 35, "expected 35 rows in \(Corpus.directory.path)/expected.tsv")
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
