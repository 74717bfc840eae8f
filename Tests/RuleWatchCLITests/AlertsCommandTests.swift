import Foundation
import Testing

/// `rulewatch alerts` and the promtool tests of Tests/promtool, whose input series are
/// `rulewatch export` over real-kernel captures (converted by Tests/promtool/make-tests.py).
@Suite struct AlertsCommandTests {
    static let promtoolDir = Tool.repoRoot.appendingPathComponent("Tests/promtool")

    @Test func alertsPassPromtoolCheckRules() throws {
        let alerts = try Tool.run(["alerts"])
        #expect(alerts.status == 0, "\(alerts.stderr)")
        #expect(alerts.stdout.contains(#"rulewatch_finding{severity="critical"}"#))
        #expect(alerts.stdout.contains("rulewatch_egress_success_ratio"))
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try alerts.stdout.write(to: dir.appendingPathComponent("rules.yml"), atomically: true, encoding: .utf8)
        let check = try Promtool.run(["check", "rules", "rules.yml"], in: dir)
        #expect(check.status == 0, "promtool check rules:\n\(check.output)")
        #expect(check.output.contains("SUCCESS: 2 rules found"), "\(check.output)")
    }

    /// Regenerates the promtool tests from the captures with the built rulewatch: promtool
    /// passes them, and they are what the repository holds (never stale, never hand-edited).
    @Test func alertsFireOnTheIncidentAndStaySilentOnTheHealthyNode() throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let made = try Self.makeTests(into: dir)
        #expect(made.status == 0, "make-tests.py: \(made.output)")
        let test = try Promtool.run(["test", "rules", "rulewatch-alerts.test.yml"], in: dir)
        #expect(test.status == 0 && test.output.contains("SUCCESS"), "promtool test rules:\n\(test.output)")
        for name in ["rulewatch-alerts.yml", "rulewatch-alerts.test.yml"] {
            let fresh = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            let held = try String(contentsOf: Self.promtoolDir.appendingPathComponent(name), encoding: .utf8)
            #expect(fresh == held, "Tests/promtool/\(name) is not what make-tests.py makes now: run `python3 Tests/promtool/make-tests.py --rulewatch .build/debug/rulewatch`")
        }
        let text = try String(contentsOf: dir.appendingPathComponent("rulewatch-alerts.test.yml"), encoding: .utf8)
        // The expectations name the :443 REDIRECT rule firing, and silence on the healthy node.
        #expect(text.contains("alertname: RuleWatchRuleClimbsAsEgressFails"))
        #expect(text.contains("--dport 443 -j REDIRECT --to-ports 47443"))
        #expect(text.contains(#"instance: "incident-node""#))
        #expect(text.contains("- interval: 1m") && text.contains("healthy: 16 snapshots"))
    }

    /// The same tests with alert thresholds that cannot be met fail: the tests can tell.
    @Test func promtoolTestsFailWhenTheClimbAlertCannotFire() throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let made = try Self.makeTests(into: dir)
        #expect(made.status == 0, "make-tests.py: \(made.output)")
        let blunt = try Tool.run(["alerts", "--egress-below", "0"])
        try blunt.stdout.write(to: dir.appendingPathComponent("rulewatch-alerts.yml"), atomically: true, encoding: .utf8)
        let test = try Promtool.run(["test", "rules", "rulewatch-alerts.test.yml"], in: dir)
        #expect(test.status != 0, "promtool test rules passed with an alert that cannot fire:\n\(test.output)")
        #expect(test.output.contains("RuleWatchRuleClimbsAsEgressFails"))
    }

    static func makeTests(into dir: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", promtoolDir.appendingPathComponent("make-tests.py").path,
                             "--rulewatch", Tool.executable.path, "--out", dir.path]
        let log = dir.appendingPathComponent("make-tests.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}
