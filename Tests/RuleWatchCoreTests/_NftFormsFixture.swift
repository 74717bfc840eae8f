import Foundation
@testable import RuleWatchCore

/// The nft forms of `Samples/nft-forms/ruleset.nft` (a chain binding, named counters, verdict
/// maps) loaded into a real kernel, counted on real traffic and dumped, once per test
/// process: `Samples/nft-forms/make-dumps.sh` in a network namespace of its own. See the
/// script for the files and the traffic sent.
///
/// Needs root, `ip`, `nft`, `iptables*`, `ip6tables` and `python3`; without them it throws,
/// so the tests that use it fail with the reason.
struct NftFormsFixture: Sendable {
    let directory: URL

    private static let made: Result<NftFormsFixture, any Error> = Result { try NftFormsFixture.make() }
    static func shared() throws -> NftFormsFixture { try made.get() }

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
    func text(_ name: String) throws -> String { try String(contentsOf: url(name), encoding: .utf8) }

    private nonisolated(unsafe) static var cleanupPath = ""

    private static func make() throws -> NftFormsFixture {
        guard geteuid() == 0 else {
            throw KernelFixture.Unavailable(description: "the nft forms tests need root (they load a ruleset into a network namespace); run them as root, as CI does")
        }
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("rulewatch-nft-forms-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        cleanupPath = dir.path
        atexit { try? FileManager.default.removeItem(atPath: NftFormsFixture.cleanupPath) }
        let script = KernelFixture.sampleDirectory.deletingLastPathComponent()
            .appendingPathComponent("nft-forms/make-dumps.sh")
        let (status, output) = try KernelFixture.run(script.path, [dir.path])
        guard status == 0 else {
            throw KernelFixture.Unavailable(description: "nft-forms/make-dumps.sh failed with status \(status): \(output)")
        }
        return NftFormsFixture(directory: dir)
    }
}

/// Every rule and counter object a parse delivered, as the tests compare them.
struct FormsCollector: DumpSink {
    struct Rule: Equatable, CustomStringConvertible {
        var snapshot: Int, table: String, chain: String, position: Int, target: String, text: String
        var packets: UInt64?, bytes: UInt64?, isObject: Bool
        var description: String { "\(snapshot) \(table) \(chain)#\(position) \(target) \(packets.map(String.init) ?? "-") \(text)" }
    }
    var rules: [Rule] = []
    var snapshots: [(header: SnapshotHeader, tables: [String])] = []
    var chainCount = 0
    var wantsRules: Bool { true }

    mutating func beginSnapshot(_ header: SnapshotHeader) { snapshots.append((header, [])) }
    mutating func endSnapshot(_ header: SnapshotHeader, partial: Bool) {}
    mutating func table(_ t: ParsedTable) {
        let s = snapshots.count - 1
        snapshots[s].tables.append("\(t.family.rawValue) \(t.name)")
        chainCount += t.chainCount
        t.rules.forEach { r in
            rules.append(Rule(snapshot: s, table: "\(t.family.rawValue) \(t.name)", chain: r.chain.string,
                              position: r.position, target: r.target.string, text: r.text.string,
                              packets: r.packets?.printed, bytes: r.bytes?.printed, isObject: r.isObject))
        }
    }
}

/// Parses files as one capture; returns what `sink` made of it and the warnings.
func parseFiles<S: DumpSink>(_ urls: [URL], into sink: S, options: ParseOptions = ParseOptions()) throws -> (S, [Diagnostic]) {
    var sink = sink
    var warnings: [Diagnostic] = []
    try CaptureParser(options: options) { warnings.append($0) }.parse(files: urls.map(\.path), into: &sink)
    return (sink, warnings)
}
