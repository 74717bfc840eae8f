import BenchmarkSupport
import Foundation

/// The kube node's rolling captures: made once by `Samples/kube-node/make-capture.sh` (which
/// needs root) into `Benchmarks/.build/data/`, or taken from `RULEWATCH_BENCH_CAPTURE` (10
/// snapshots) and `RULEWATCH_BENCH_CAPTURE_100` (100 snapshots).
enum KubeNodeCapture {
    /// Finds the capture of `snapshots` snapshots (10 or 100), making it first if it is
    /// missing: 10 take about a minute, 100 about ten.
    static func prepare(snapshots: Int = 10) throws -> URL {
        let variable = snapshots == 10 ? "RULEWATCH_BENCH_CAPTURE" : "RULEWATCH_BENCH_CAPTURE_\(snapshots)"
        if let path = ProcessInfo.processInfo.environment[variable] {
            return URL(fileURLWithPath: path)
        }
        let name = snapshots == 10 ? "kube-node-capture.txt" : "kube-node-capture-\(snapshots).txt"
        let capture = SampleScript.data(name)
        if FileManager.default.fileExists(atPath: capture.path) { return capture }
        try FileManager.default.createDirectory(at: capture.deletingLastPathComponent(), withIntermediateDirectories: true)
        try SampleScript.run("make-capture.sh", [capture.path, "--snapshots", "\(snapshots)"],
                             hint: "Make the capture as root, or point \(variable) at one.")
        return capture
    }

    /// The first snapshot of a capture, its timestamp line and one real dump.
    static func firstSnapshot(of capture: [UInt8]) -> [UInt8] {
        // Each snapshot opens with an ISO 8601 line (`2026-11-24T10:00:00Z`).
        var i = 0
        while i + 21 < capture.count {
            if capture[i] == UInt8(ascii: "\n"), capture[i + 1] == UInt8(ascii: "2"),
               capture[i + 11] == UInt8(ascii: "T"), capture[i + 21] == UInt8(ascii: "\n") {
                return Array(capture[...i])
            }
            i += 1
        }
        return capture
    }
}
