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

    /// What `promtool check metrics` says beyond `knownNameLint`; empty when clean.
    static func checkMetrics(_ exposition: String) throws -> String {
        let run = try run(["check", "metrics"], input: exposition)
        let problems = run.output.split(separator: "\n").filter { $0 != knownNameLint }
        if problems.isEmpty && run.status != 0 && !run.output.contains(knownNameLint) {
            return "promtool exited \(run.status) without saying why"
        }
        return problems.joined(separator: "\n")
    }

    /// promtool's naming lint flags any counter whose name holds `_counter_`; issue 17 names
    /// `rulewatch_counter_resets_total` exactly, so this one line is expected, nothing else.
    static let knownNameLint = "rulewatch_counter_resets_total metric name should not include type 'counter'"
}

struct ToolMissing: Error, CustomStringConvertible {
    var description: String
}
