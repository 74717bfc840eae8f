import Foundation

/// The kube node's rolling capture: made once by `Samples/kube-node/make-capture.sh` (which
/// needs root) into `Benchmarks/.build/data/kube-node-capture.txt`, or taken from
/// `RULEWATCH_BENCH_CAPTURE`.
enum KubeNodeCapture {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    static var benchmarksDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Finds the capture, making it first if it is missing.
    static func prepare() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["RULEWATCH_BENCH_CAPTURE"] {
            return URL(fileURLWithPath: path)
        }
        let capture = benchmarksDirectory.appendingPathComponent(".build/data/kube-node-capture.txt")
        if FileManager.default.fileExists(atPath: capture.path) { return capture }
        try FileManager.default.createDirectory(at: capture.deletingLastPathComponent(), withIntermediateDirectories: true)
        let script = benchmarksDirectory.appendingPathComponent("../Samples/kube-node/make-capture.sh").standardized
        let process = Process()
        process.executableURL = script
        process.arguments = [capture.path, "--snapshots", "10"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Unavailable(description: "\(script.path) \(capture.path) failed (status \(process.terminationStatus)); it needs root. Make the capture as root, or point RULEWATCH_BENCH_CAPTURE at one.")
        }
        return capture
    }
}
