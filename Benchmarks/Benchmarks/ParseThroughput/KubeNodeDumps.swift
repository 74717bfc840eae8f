import BenchmarkSupport
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

    /// Finds the dumps, making them first if they are missing.
    static func prepare() throws -> KubeNodeDumps {
        let env = ProcessInfo.processInfo.environment["RULEWATCH_BENCH_DATA"]
        let dir = env.map { URL(fileURLWithPath: $0) }
            ?? SampleScript.data("kube-node")
        let dumps = KubeNodeDumps(directory: dir)
        if Format.allCases.allSatisfy({ FileManager.default.fileExists(atPath: dumps.url($0).path) }) {
            return dumps
        }
        try SampleScript.run("make-dumps.sh", [dir.path, "--services", "3000", "--seed", "1"],
                             hint: "Make the dumps as root, or point RULEWATCH_BENCH_DATA at a directory holding them.")
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
