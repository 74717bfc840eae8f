import BenchmarkSupport
import Foundation
import RuleWatchCore
import RuleWatchStore

/// A day of the kube node in a store: 1,440 `iptables-save -c` snapshots a minute apart,
/// each with 5% of its 33,225 rules counting (about 1,660 changed samples a minute), made
/// from the node's real-kernel dump (`Samples/kube-node/make-save.sh`, root) and kept
/// under `Benchmarks/.build/data/kube-node-day/`: `day.db`, and `next-a.txt`/`next-b.txt`,
/// the two snapshots after it (for whole-process timing of `rulewatch ingest`).
struct KubeNodeDay: Sendable {
    let directory: URL
    var store: String { directory.appendingPathComponent("day.db").path }
    var next: [String] { ["next-a.txt", "next-b.txt"].map { directory.appendingPathComponent($0).path } }
    static let source = "kube-node"
    static let minutes = 1440
    /// 2026-11-24T00:00:00Z
    static let start: Int64 = 1_795_478_400_000_000_000

    static func prepare() throws -> KubeNodeDay {
        let dir = SampleScript.data("kube-node-day")
        let day = KubeNodeDay(directory: dir)
        if FileManager.default.fileExists(atPath: day.next[1]) { return day }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let dump = dir.appendingPathComponent("save-c.txt")
        if !FileManager.default.fileExists(atPath: dump.path) {
            try SampleScript.run("make-save.sh", [dump.path, "--services", "3000", "--seed", "1"])
        }
        var minutes = Minutes(try Data(contentsOf: dump))
        try? FileManager.default.removeItem(atPath: day.store)
        let store = try RuleStore(path: day.store)
        for k in 0..<minutes_total {
            let bytes = minutes.next()
            let request = IngestRequest(source: source, time: start + Int64(k) * 60_000_000_000)
            _ = try store.ingest(bytes: bytes, name: "minute-\(k)", request: request)
            if k % 60 == 0 { FileHandle.standardError.write(Data("kube-node day: hour \(k / 60) of 24\n".utf8)) }
        }
        for path in day.next { try Data(minutes.next()).write(to: URL(fileURLWithPath: path)) }
        return day
    }

    private static var minutes_total: Int { minutes }

    /// The dump minute by minute: each time 5% of its rules, picked at random (a fixed
    /// seed), count a few more packets.
    struct Minutes {
        var lines: [[UInt8]]
        var counted: [Int] = []
        var random = SplitMix64(seed: 1)

        init(_ data: Data) {
            lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { [UInt8]($0) }
            counted = lines.indices.filter { lines[$0].first == UInt8(ascii: "[") && lines[$0].contains(UInt8(ascii: "]")) }
        }

        mutating func next() -> [UInt8] {
            for _ in 0..<(counted.count / 20) {
                let i = counted[Int(random.next() % UInt64(counted.count))]
                let line = lines[i]
                guard let close = line.firstIndex(of: UInt8(ascii: "]")),
                      let colon = line.firstIndex(of: UInt8(ascii: ":")),
                      let p = UInt64(String(decoding: line[1..<colon], as: UTF8.self)),
                      let b = UInt64(String(decoding: line[(colon + 1)..<close], as: UTF8.self)) else { continue }
                let dp = 1 + random.next() % 400
                let db = dp * (60 + random.next() % 1440)
                lines[i] = Array("[\(p + dp):\(b + db)]".utf8) + line[(close + 1)...]
            }
            var out: [UInt8] = []
            out.reserveCapacity(6 << 20)
            for (k, l) in lines.enumerated() {
                if k > 0 { out.append(UInt8(ascii: "\n")) }
                out += l
            }
            return out
        }
    }
}
