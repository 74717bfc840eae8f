import Foundation
import Testing
@testable import RuleWatchCore

/// The shared corpus of real dumps published by others, beside the checkout as `../shared/corpus`.
enum Corpus {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let directory = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")

    struct Expectation: Sendable, CustomTestStringConvertible {
        var file: String
        var chains: Int
        var counted: Int
        var packets: UInt64?
        var ruleLines: Int
        var testDescription: String { file }
    }

    /// `expected.tsv`: file, chains, rules (with counters), sum_pkts (blank for nft JSON), rule_lines_total.
    static let expectations: [Expectation] = {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("expected.tsv"), encoding: .utf8) else {
            return []
        }
        return text.split(separator: "\n").dropFirst().compactMap { row in
            let f = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 5, let chains = Int(f[1]), let counted = Int(f[2]), let lines = Int(f[4]) else { return nil }
            return Expectation(file: f[0], chains: chains, counted: counted, packets: UInt64(f[3]), ruleLines: lines)
        }
    }()

    static func bytes(_ file: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(file)))
    }
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
