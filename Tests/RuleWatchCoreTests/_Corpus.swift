import Foundation
import Testing
@testable import RuleWatchCore

/// The corpus of real dumps published by others, kept in the repository as `Tests/Corpus`
/// (`MANIFEST.md` there credits each source; `expected.tsv` holds the counts each file's
/// text shows). A missing or short file fails the tests that read it; none is skipped.
enum Corpus {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let directory = repoRoot.appendingPathComponent("Tests/Corpus")

    /// The dumps `MANIFEST.md` lists: 16 listings, 12 saves, 5 nft, 2 nft JSON.
    static let fileCount = 35

    struct Expectation: Sendable, CustomTestStringConvertible {
        var file: String
        var chains: Int
        var counted: Int
        var packets: UInt64?
        var ruleLines: Int
        var testDescription: String { file }
    }

    /// `expected.tsv` read whole: its rows, or why it could not be (the count test reports it).
    static let table: Result<[Expectation], CorpusError> = {
        let url = directory.appendingPathComponent("expected.tsv")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            return .failure(CorpusError("cannot read \(url.path)"))
        }
        var rows: [Expectation] = []
        for (n, row) in text.split(separator: "\n").enumerated().dropFirst() {
            let f = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 5, let chains = Int(f[1]), let counted = Int(f[2]), let lines = Int(f[4]),
                  f[3].isEmpty || UInt64(f[3]) != nil else {
                return .failure(CorpusError("\(url.path):\(n + 1): unreadable row '\(row)'"))
            }
            rows.append(Expectation(file: f[0], chains: chains, counted: counted, packets: UInt64(f[3]), ruleLines: lines))
        }
        return .success(rows)
    }()

    /// `expected.tsv`'s rows; empty when it cannot be read, which `CorpusTests` fails on.
    static var expectations: [Expectation] { (try? table.get()) ?? [] }

    static func bytes(_ file: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(file)))
    }
}

struct CorpusError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Collects what a parse delivered, for tests: snapshots with their tables' rules copied out.
struct CollectingSink: DumpSink {
    struct Rule: Equatable {
        var family: Family, table: String, chain: String, position: Int, target: String, text: String
        var packets: Counter?, bytes: Counter?
    }
    struct Snapshot {
        var header: SnapshotHeader
        var tables: [String] = []
        var rules: [Rule] = []
        /// Named counter objects (nft), apart from the rules.
        var objects: [Rule] = []
        var chains = 0
        var partial = false
    }
    var wantsRules: Bool { true }
    var snapshots: [Snapshot] = []

    mutating func beginSnapshot(_ header: SnapshotHeader) { snapshots.append(Snapshot(header: header)) }
    mutating func endSnapshot(_ header: SnapshotHeader, partial: Bool) { snapshots[snapshots.count - 1].partial = partial }
    mutating func table(_ t: ParsedTable) {
        snapshots[snapshots.count - 1].tables.append(t.family == .ip ? t.name : "\(t.family.rawValue)/\(t.name)")
        snapshots[snapshots.count - 1].chains += t.chainCount
        t.rules.forEach { r in
            let rule = Rule(family: t.family, table: t.name, chain: r.chain.string, position: r.position,
                            target: r.target.string, text: r.text.string, packets: r.packets, bytes: r.bytes)
            if r.isObject {
                snapshots[snapshots.count - 1].objects.append(rule)
            } else {
                snapshots[snapshots.count - 1].rules.append(rule)
            }
        }
    }
}

/// Parses text as a capture; returns the sink and the warnings.
func parseCapture<S: DumpSink>(_ text: String, into sink: S, options: ParseOptions = ParseOptions()) throws -> (S, [Diagnostic]) {
    var sink = sink
    var warnings: [Diagnostic] = []
    let parser = CaptureParser(options: options) { warnings.append($0) }
    try parser.parse(bytes: Array(text.utf8), name: "capture.txt", into: &sink)
    return (sink, warnings)
}
