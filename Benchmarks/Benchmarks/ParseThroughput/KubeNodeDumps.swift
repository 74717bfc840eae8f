import Foundation

/// The kube node's dumps the benchmarks read: made once by `Samples/kube-node/make-dumps.sh`
/// (which needs root) and kept under `Benchmarks/.build/data/kube-node`, or wherever
/// `RULEWATCH_BENCH_DATA` points.
struct KubeNodeDumps: Sendable {
    let directory: URL

    enum Format: String, CaseIterable, Sendable {
        case listingExact = "listing-v-n-x.txt"
        case listingAbbreviated = "listing-v.txt"
        case saveCounters = "save-c.txt"
        case nft = "nft.txt"
        case nftJSON = "nft.json"

        var label: String {
            switch self {
            case .listingExact: return "listing -v -n -x"
            case .listingAbbreviated: return "listing -v"
            case .saveCounters: return "save -c"
            case .nft: return "nft"
            case .nftJSON: return "nft -j"
            }
        }
    }

    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    static var benchmarksDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Finds the dumps, making them first if they are missing.
    static func prepare() throws -> KubeNodeDumps {
        let env = ProcessInfo.processInfo.environment["RULEWATCH_BENCH_DATA"]
        let dir = env.map { URL(fileURLWithPath: $0) }
            ?? benchmarksDirectory.appendingPathComponent(".build/data/kube-node")
        let dumps = KubeNodeDumps(directory: dir)
        if Format.allCases.allSatisfy({ FileManager.default.fileExists(atPath: dumps.url($0).path) }) {
            return dumps
        }
        let script = benchmarksDirectory.appendingPathComponent("../Samples/kube-node/make-dumps.sh").standardized
        let process = Process()
        process.executableURL = script
        process.arguments = [dir.path, "--services", "3000", "--seed", "1"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Unavailable(description: "\(script.path) \(dir.path) failed (status \(process.terminationStatus)); it needs root. Make the dumps as root, or point RULEWATCH_BENCH_DATA at a directory holding them.")
        }
        return dumps
    }

    func url(_ format: Format) -> URL { directory.appendingPathComponent(format.rawValue) }

    func size(_ format: Format) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: url(format).path)[.size] as? Int) ?? 0
    }

    func load(_ format: Format) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(format)))
    }
}
