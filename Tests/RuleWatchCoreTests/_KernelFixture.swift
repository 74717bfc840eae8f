import Foundation
import Testing
@testable import RuleWatchCore

/// The kube-node sample loaded into a real kernel and dumped in every format, once per test
/// process: `Samples/kube-node/make-dumps.sh` in a fresh network namespace.
///
/// Needs root, `ip`, `iptables*`, `nft` and `python3`. Without them it throws, so the tests
/// that use it fail with the reason rather than pass without having looked at a kernel.
struct KernelFixture: Sendable {
    /// Services in the sample: small enough to load, dump and parse in about a second.
    static let services = 50
    static let seed = 7

    let directory: URL
    /// The generator's own totals, one per table plus `total`.
    let expected: [String: Totals]

    struct Totals: Sendable, Equatable {
        var rules = 0
        var packets: UInt64 = 0
        var bytes: UInt64 = 0
    }

    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    private static let made: Result<KernelFixture, any Error> = Result { try KernelFixture.make() }

    /// The dumps, made on first use; throws why they could not be made.
    static func shared() throws -> KernelFixture { try made.get() }

    func url(_ dump: KernelDump) -> URL { directory.appendingPathComponent(dump.rawValue) }

    // MARK: - Making it

    static let sampleDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples/kube-node")

    private nonisolated(unsafe) static var cleanupPath = ""

    private static func make() throws -> KernelFixture {
        guard geteuid() == 0 else {
            throw Unavailable(description: "the kernel format tests need root (they load a ruleset into a network namespace); run them as root, as CI does")
        }
        for tool in ["ip", "iptables", "iptables-restore", "iptables-save", "nft", "python3"] where findTool(tool) == nil {
            throw Unavailable(description: "the kernel format tests need `\(tool)`, which is not on PATH")
        }
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("rulewatch-kernel-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        cleanupPath = dir.path
        atexit { try? FileManager.default.removeItem(atPath: KernelFixture.cleanupPath) }

        let script = sampleDirectory.appendingPathComponent("make-dumps.sh")
        let (status, output) = try run(script.path, [dir.path, "--services", "\(services)", "--seed", "\(seed)"])
        guard status == 0 else {
            throw Unavailable(description: "make-dumps.sh failed with status \(status): \(output)")
        }
        let stats = try String(contentsOf: dir.appendingPathComponent("expected.txt"), encoding: .utf8)
        return KernelFixture(directory: dir, expected: parseStats(stats))
    }

    /// Runs a program to its end; returns its status and what it wrote to stderr and stdout.
    static func run(_ path: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func findTool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin"
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        return dirs.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `nat rules=N pkts=N bytes=N` lines.
    static func parseStats(_ text: String) -> [String: Totals] {
        var out: [String: Totals] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let name = fields.first else { continue }
            var t = Totals()
            for field in fields.dropFirst() {
                let kv = field.split(separator: "=")
                guard kv.count == 2, let v = UInt64(kv[1]) else { continue }
                switch kv[0] {
                case "rules": t.rules = Int(v)
                case "pkts": t.packets = v
                case "bytes": t.bytes = v
                default: break
                }
            }
            out[String(name)] = t
        }
        return out
    }
}

/// The files `make-dumps.sh` writes, and what each can tell.
enum KernelDump: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case listingAbbreviated = "listing-v.txt"
    case listingNumeric = "listing-v-n.txt"
    case listingExact = "listing-v-x.txt"
    case listingNumericExact = "listing-v-n-x.txt"
    case saveCounters = "save-c.txt"
    case save = "save.txt"
    case nft = "nft.txt"
    case nftJSON = "nft.json"

    var format: DumpFormat {
        switch self {
        case .listingAbbreviated, .listingNumeric, .listingExact, .listingNumericExact: return .listing
        case .saveCounters, .save: return .save
        case .nft: return .nft
        case .nftJSON: return .nftJSON
        }
    }

    /// Plain `iptables-save` prints no counters.
    var hasCounters: Bool { self != .save }

    /// `-L -v` without `-x` rounds to K, M, G.
    var isAbbreviated: Bool { self == .listingAbbreviated || self == .listingNumeric }

    var testDescription: String { rawValue }
}

/// One rule's counters, keyed by where it sits: `nat KUBE-SERVICES 3`.
struct RuleCounters: Equatable, Sendable {
    var packets: Counter?
    var bytes: Counter?
}

/// Collects every rule's counters, by table, chain and position.
struct RuleCollector: DumpSink {
    var rules: [String: RuleCounters] = [:]
    var tables: [String] = []
    var snapshots = 0
    var wantsRules: Bool { true }

    mutating func beginSnapshot(_ header: SnapshotHeader) { snapshots += 1 }
    mutating func endSnapshot(_ header: SnapshotHeader, partial: Bool) {}
    mutating func table(_ t: ParsedTable) {
        tables.append("\(t.family.rawValue) \(t.name)")
        t.rules.forEach { r in
            rules["\(t.name) \(r.chain.string) \(r.position)"] = RuleCounters(packets: r.packets, bytes: r.bytes)
        }
    }
}

/// Reads the restore file the generator wrote, without the parser: the independent answer.
enum RestoreFileReference {
    static func rules(_ text: String) -> [String: (packets: UInt64, bytes: UInt64)] {
        var out: [String: (UInt64, UInt64)] = [:]
        var table = ""
        var positions: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("*") {
                table = String(line.dropFirst())
                positions = [:]
            } else if line.hasPrefix("["), let close = line.firstIndex(of: "]") {
                let counts = line[line.index(after: line.startIndex) ..< close].split(separator: ":")
                let rest = line[line.index(after: close)...].split(separator: " ", maxSplits: 2)
                guard counts.count == 2, rest.count >= 2, rest[0] == "-A" else { continue }
                let chain = String(rest[1])
                let position = (positions[chain] ?? 0) + 1
                positions[chain] = position
                out["\(table) \(chain) \(position)"] = (UInt64(counts[0])!, UInt64(counts[1])!)
            }
        }
        return out
    }
}
