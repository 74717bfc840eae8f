import Foundation

/// The benchmarks' inputs are made from a real kernel by the scripts in `Samples/kube-node/`
/// (they need root), once, into `Benchmarks/.build/data/`.
public enum SampleScript {
    /// Why a benchmark's input could not be had.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// The `Benchmarks/` folder.
    public static var benchmarksDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Where a benchmark keeps what it made: `Benchmarks/.build/data/NAME`.
    public static func data(_ name: String) -> URL {
        benchmarksDirectory.appendingPathComponent(".build/data/\(name)")
    }

    /// Runs `Samples/kube-node/NAME` with `arguments`; a failure says so, with `hint` (how to
    /// do without it).
    public static func run(_ name: String, _ arguments: [String], hint: String = "") throws {
        let script = benchmarksDirectory.appendingPathComponent("../Samples/kube-node/\(name)").standardized
        let process = Process()
        process.executableURL = script
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Unavailable(description: "\(script.path) \(arguments.joined(separator: " ")) failed (status \(process.terminationStatus)); it needs root.\(hint.isEmpty ? "" : " " + hint)")
        }
    }
}
