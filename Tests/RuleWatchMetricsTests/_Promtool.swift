import Foundation

/// Runs Debian's `promtool` (package `prometheus`, which `.ci/setup` installs). Missing, it
/// is a failure, never a skip: the format checks are the point of these tests.
enum Promtool {
    struct Run {
        var status: Int32
        var output: String
    }

    static func path() throws -> String {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/bin", "/usr/local/bin"]
        guard let found = dirs.map({ "\($0)/promtool" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw PromtoolMissing()
        }
        return found
    }

    /// `promtool ARGUMENTS` with `input` on standard input; stdout and stderr together.
    static func run(_ arguments: [String], input: [UInt8] = []) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path())
        process.arguments = arguments
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rulewatch-promtool-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let inURL = scratch.appendingPathComponent("in"), outURL = scratch.appendingPathComponent("out")
        try Data(input).write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        process.standardInput = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = out
        process.standardError = out
        try process.run()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "")
    }

    /// What `promtool check metrics` says about an exposition: empty when it is clean (its
    /// lint included, which exits non-zero on any problem).
    static func checkMetrics(_ exposition: [UInt8]) throws -> String {
        let run = try run(["check", "metrics"], input: exposition)
        if run.status != 0 && run.output.isEmpty { return "promtool exited \(run.status) without saying why" }
        return run.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct PromtoolMissing: Error, CustomStringConvertible {
    var description: String {
        "promtool is not installed: install Debian's `prometheus` package (`.ci/setup` does) — these tests check the exposition with it"
    }
}
