import Foundation
import Testing

/// A ruleset emptied and loaded again, through `rulewatch analyze`: captures a real `nft`
/// and `iptables-save` wrote in a network namespace of their own
/// (`Samples/nft-forms/make-dumps.sh`: two full snapshots, `nft flush ruleset`, two
/// snapshots of nothing, the ruleset loaded again, two full snapshots).
@Suite("An emptied ruleset through analyze", .serialized)
struct EmptyRulesetTests {
    /// The captures, made once per test process; removed at exit.
    struct Captures: Sendable {
        let directory: URL
        private nonisolated(unsafe) static var cleanupPath = ""
        static let made: Result<Captures, any Error> = Result {
            guard geteuid() == 0 else {
                throw ToolError("the empty-ruleset tests need root (they load rules into a network namespace); run them as root, as CI does")
            }
            let dir = try Tool.scratch()
            cleanupPath = dir.path
            atexit { try? FileManager.default.removeItem(atPath: Captures.cleanupPath) }
            let script = Tool.repoRoot.appendingPathComponent("Samples/nft-forms/make-dumps.sh")
            let process = Process()
            process.executableURL = script
            process.arguments = [dir.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw ToolError("make-dumps.sh failed with status \(process.terminationStatus): \(String(decoding: output, as: UTF8.self))")
            }
            return Captures(directory: dir)
        }
    }

    struct ToolError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    let directory: URL

    init() throws {
        directory = try Captures.made.get().directory
    }

    /// Each capture and the rules its full snapshots hold (nft: the inet table's eight rules,
    /// a binding's two among them, and iptables-nft's one; save: that one).
    static let captures = [("capture-nft.txt", 9), ("capture-json.txt", 9), ("capture-save.txt", 1)]

    func analyze(_ file: String, _ extra: [String] = []) throws -> (ToolRun, [[String: Any]]) {
        let run = try Tool.run(["analyze", "--format", "json", directory.appendingPathComponent(file).path] + extra)
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        return (run, json?["findings"] as? [[String: Any]] ?? [])
    }

    static func evidence(_ finding: [String: Any]) -> [String: Any] {
        finding["evidence"] as? [String: Any] ?? [:]
    }

    @Test("analyze says the ruleset was emptied, when, and what was lost", arguments: captures)
    func emptiedIsCritical(_ file: String, rules: Int) throws {
        let (run, findings) = try analyze(file)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
        let emptied = findings.filter { $0["kind"] as? String == "ruleset-emptied" }
        #expect(emptied.count == 1, "\(findings.map { $0["kind"] ?? "" })")
        let e = try #require(emptied.first)
        #expect(e["severity"] as? String == "critical")
        #expect(e["since"] as? String == "2026-11-24T10:02:00Z")
        #expect(Self.evidence(e)["rules_lost"] as? Int == rules)
        #expect(Self.evidence(e)["last_full"] as? String == "2026-11-24T10:01:00Z")
        #expect(Self.evidence(e)["restored"] as? String == "2026-11-24T10:04:00Z")
        // The worst finding of the run: first.
        #expect(findings.first?["kind"] as? String == "ruleset-emptied")
        let (failing, _) = try analyze(file, ["--fail-on", "critical"])
        #expect(failing.status == 1)
    }

    @Test("the rules that come back are a restore, not new rules", arguments: captures)
    func restoreIsNotNewRules(_ file: String, rules: Int) throws {
        let (_, findings) = try analyze(file)
        let restored = findings.filter { $0["kind"] as? String == "ruleset-restored" }
        #expect(restored.count == 1)
        let r = try #require(restored.first)
        #expect(r["since"] as? String == "2026-11-24T10:04:00Z")
        #expect(Self.evidence(r)["rules_back"] as? Int == rules)
        #expect(Self.evidence(r)["rules_new"] as? Int == 0)
        #expect(!findings.contains { $0["kind"] as? String == "new-rule" }, "\(findings.map { $0["kind"] ?? "" })")
    }

    @Test("the text report names the emptied interval", arguments: captures)
    func textReport(_ file: String, rules: Int) throws {
        let run = try Tool.run(["analyze", directory.appendingPathComponent(file).path])
        #expect(run.status == 0)
        // One entry for the finding, led by CRITICAL, its kind on the line below.
        #expect(run.stdout.contains("\nCRITICAL  ") && run.stdout.contains("\n  ruleset-emptied 0.95; since "), "\(run.stdout)")
        // The report wraps its lines: compare the words.
        let words = run.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("showed \(rules) rule\(rules == 1 ? "" : "s") in table"))
        #expect(words.contains("the rules came back at 2026-11-24T10:04:00Z"))
        #expect(run.stdout.contains("ruleset-restored"))
    }

    @Test("parse counts the empty snapshots", arguments: captures)
    func parseSummary(_ file: String, rules: Int) throws {
        let run = try Tool.run(["parse", directory.appendingPathComponent(file).path])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 7)
        #expect(lines.filter { $0.contains("(no table: an empty ruleset)") }.count == 2)
        #expect(lines.last?.hasPrefix("snapshots=6 ") == true)
    }
}
