import Foundation
import Testing

/// `rulewatch analyze` on the bundled real-kernel incident: schema, exit statuses, selectors.
@Suite struct AnalyzeCommandTests {
    let sample = Tool.repoRoot.appendingPathComponent("Samples/incident")
    var capture: String { sample.appendingPathComponent("capture.txt").path }
    var egress: String { sample.appendingPathComponent("egress.csv").path }

    func json(_ extra: [String] = []) throws -> (ToolRun, [String: Any]) {
        let run = try Tool.run(["analyze", capture, "--egress", egress, "--format", "json"] + extra)
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        return (run, object ?? [:])
    }

    func findings(_ doc: [String: Any]) -> [[String: Any]] { doc["findings"] as? [[String: Any]] ?? [] }

    @Test func jsonHasSchemaOneAndRanksTheRedirectsFirst() throws {
        let (run, doc) = try json()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(doc["schema"] as? Int == 1)
        #expect(doc["snapshots"] as? Int == 8)
        #expect((doc["rules"] as? Int ?? 0) > 0)
        let f = findings(doc)
        let keys = ["kind", "severity", "score", "rule_id", "family", "table", "chain", "target", "rule", "since", "explanation", "evidence"]
        for finding in f {
            for key in keys { #expect(finding[key] != nil, "missing \(key) in \(finding)") }
            let score = finding["score"] as? Double ?? -1
            #expect(score >= 0 && score <= 1)
        }
        let top = f.prefix(2)
        #expect(top.allSatisfy { $0["severity"] as? String == "critical" && $0["target"] as? String == "REDIRECT" })
        #expect(Set(top.compactMap { $0["rule"] as? String }) == [
            "tcp -- any any anywhere anywhere tcp dpt:https redir ports 47443",
            "tcp -- any any anywhere anywhere tcp dpt:http redir ports 47080"])
        #expect(f.dropFirst(2).allSatisfy { $0["severity"] as? String != "critical" })
        let scores = f.compactMap { $0["score"] as? Double }
        #expect(scores.count == f.count)
    }

    @Test func failOnSetsTheExitStatus() throws {
        let critical = try Tool.run(["analyze", capture, "--egress", egress, "--fail-on", "critical"])
        #expect(critical.status == 1)
        let ignored = try Tool.run(["analyze", capture, "--egress", egress, "--fail-on", "critical",
                                    "--ignore", "nat/PREROUTING/REDIRECT"])
        #expect(ignored.status == 0, "\(ignored.stdout)")
        let bad = try Tool.run(["analyze", capture, "--fail-on", "catastrophic"])
        #expect(bad.status == 64)
    }

    @Test func ignoreByRuleIDDropsOnlyThatRule() throws {
        let (_, doc) = try json()
        let first = try #require(findings(doc).first?["rule_id"] as? String)
        let (_, filtered) = try json(["--ignore", first])
        #expect(!findings(filtered).contains { $0["rule_id"] as? String == first })
        #expect(findings(filtered).contains { $0["severity"] as? String == "critical" })
    }

    @Test func tableAndChainNarrowTheFindings() throws {
        let (_, doc) = try json(["--table", "filter"])
        #expect(findings(doc).allSatisfy { $0["table"] as? String == "filter" })
        let (_, nat) = try json(["--table", "nat", "--chain", "PREROUTING"])
        #expect(!findings(nat).isEmpty)
        #expect(findings(nat).allSatisfy { $0["chain"] as? String == "PREROUTING" })
    }

    @Test func untilBeforeTheInjectionFindsNothingCritical() throws {
        let truth = try String(contentsOf: sample.appendingPathComponent("truth.txt"), encoding: .utf8)
        let injected = try #require(truth.split(separator: "\n").first { $0.hasPrefix("injected_at=") }?.dropFirst(12))
        let (run, doc) = try json(["--until", String(injected)])
        #expect(run.status == 0)
        #expect(!findings(doc).contains { $0["severity"] as? String == "critical" })
    }

    @Test func textFitsEightyColumnsWithoutColourOffATerminal() throws {
        let run = try Tool.run(["analyze", capture, "--egress", egress])
        #expect(run.status == 0)
        #expect(!run.stdout.contains("\u{1B}["))
        for line in run.stdout.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
        #expect(run.stdout.contains("CRITICAL"))
        #expect(run.stdout.hasSuffix("\n"))
    }

    @Test func inlineEgressLinesServeWithoutTheCSV() throws {
        let run = try Tool.run(["analyze", capture, "--format", "json"])
        #expect(run.status == 0)
        let doc = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
        let top = findings(doc).prefix(2)
        #expect(top.count == 2 && top.allSatisfy { $0["severity"] as? String == "critical" })
    }

    @Test func badEgressFileIsAnErrorWithItsLine() throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("egress.csv")
        try Data("time,ok,total\n2026-11-24T10:00:00Z,5,10\nyesterday,1,2\n".utf8).write(to: csv)
        let run = try Tool.run(["analyze", capture, "--egress", csv.path])
        #expect(run.status == 65)
        #expect(run.stderr.hasPrefix("error: \(csv.path):3:"), "\(run.stderr)")
        let missing = try Tool.run(["analyze", capture, "--egress", dir.appendingPathComponent("none.csv").path])
        #expect(missing.status == 66)
    }
}
