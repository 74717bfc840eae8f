import Foundation

/// Runs Debian's `promtool` (package `prometheus`, which `.ci/setup` installs). Missing, it
/// is a failure, never a skip.
enum Promtool {
    static func path() throws -> String {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/bin", "/usr/local/bin"]
        guard let found = dirs.map({ "\($0)/promtool" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ToolMissing(description: "promtool is not installed: install Debian's `prometheus` package (`.ci/setup` does)")
        }
        return found
    }

    /// `promtool ARGUMENTS` in `directory` with `input` on standard input: its status and what it printed.
    static func run(_ arguments: [String], input: String = "", in directory: URL? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path())
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let scratch = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let inURL = scratch.appendingPathComponent("in"), outURL = scratch.appendingPathComponent("out")
        try Data(input.utf8).write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        process.standardInput = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = out
        process.standardError = out
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: outURL, encoding: .utf8)) ?? "")
    }

    /// What `promtool check metrics` says about an exposition: empty when it is clean (its
    /// lint included, which exits non-zero on any problem).
    static func checkMetrics(_ exposition: String) throws -> String {
        let run = try run(["check", "metrics"], input: exposition)
        if run.status != 0 && run.output.isEmpty { return "promtool exited \(run.status) without saying why" }
        return run.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct ToolMissing: Error, CustomStringConvertible {
    var description: String
}
