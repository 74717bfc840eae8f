import Foundation
import Testing

/// `rulewatch export` over the incident sample capture.
@Suite struct ExportCommandTests {
    static let sample = Tool.repoRoot.appendingPathComponent("Samples/incident/capture.txt").path
    static let egress = Tool.repoRoot.appendingPathComponent("Samples/incident/egress.csv").path

    @Test func exportOfTheSampleIsCleanForPromtool() throws {
        let run = try Tool.run(["export", Self.sample, "--egress", Self.egress])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty)
        let problems = try Promtool.checkMetrics(run.stdout)
        #expect(problems.isEmpty, "promtool check metrics:\n\(problems)")
        let lines = run.stdout.split(separator: "\n")
        // The :443 REDIRECT rule: 20 packets in the last dump, its counter never reset.
        let rule = lines.first { $0.hasPrefix(#"rulewatch_rule_info{rule_id="3766028a6fda",rule="tcp -- any any anywhere anywhere tcp dpt:https redir ports 47443"}"#) }
        #expect(rule != nil)
        #expect(lines.contains(#"rulewatch_rule_packets_total{family="ip",table="nat",chain="PREROUTING",target="REDIRECT",rule_id="3766028a6fda"} 20"#))
        #expect(lines.contains { $0.hasPrefix(#"rulewatch_finding{kind="climb-with-egress-drop",severity="critical",family="ip",table="nat",chain="PREROUTING",rule_id="3766028a6fda"}"#) })
        #expect(lines.contains("rulewatch_egress_success_ratio 0.0"))
        #expect(lines.contains { $0.hasPrefix("rulewatch_last_snapshot_timestamp_seconds 17956") })
    }

    @Test func onlyCountingAndMinPacketsExportFewerRules() throws {
        func count(_ extra: [String]) throws -> Int {
            let run = try Tool.run(["export", Self.sample] + extra)
            #expect(run.status == 0, "\(run.stderr)")
            return run.stdout.split(separator: "\n").filter { $0.hasPrefix("rulewatch_rule_packets_total{") }.count
        }
        let all = try count(["--min-packets", "0"])
        #expect(try count([]) < all, "by default a rule that never matched a packet has no series")
        let counting = try count(["--only-counting"])
        let busy = try count(["--min-packets", "100"])
        #expect(counting > 0 && counting < all)
        #expect(busy > 0 && busy < all)
    }

    /// The store's export says what the capture's does, and pruning lowers no total.
    @Test func storeExportMatchesTheCaptureAndPruningLowersNoTotal() throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("rulewatch.db").path
        let ingest = try Tool.run(["ingest", "--quiet", "--store", store, "--source", "sample", Self.sample])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        // Every rule, so that the totals compare whatever the findings over what is left.
        let fromStore = try Tool.run(["export", "--min-packets", "0", "--store", store, "--source", "sample"])
        let fromCapture = try Tool.run(["export", "--min-packets", "0", Self.sample])
        #expect(fromStore.status == 0, "\(fromStore.stderr)")
        #expect(Self.sortedSamples(fromStore.stdout) == Self.sortedSamples(fromCapture.stdout))
        // The sample is days old: a day's retention keeps only its newest snapshot.
        let prune = try Tool.run(["prune", "--store", store, "--keep", "1d"])
        #expect(prune.status == 0, "\(prune.stderr)")
        let pruned = try Tool.run(["export", "--min-packets", "0", "--store", store, "--source", "sample"])
        #expect(pruned.status == 0, "\(pruned.stderr)")
        let counters = { (text: String) in
            Self.sortedSamples(text).filter { $0.hasPrefix("rulewatch_rule_packets_total{") || $0.hasPrefix("rulewatch_rule_bytes_total{")
                || $0.hasPrefix("rulewatch_chain_resets_total{") }
        }
        #expect(!counters(fromStore.stdout).isEmpty)
        #expect(counters(pruned.stdout) == counters(fromStore.stdout))
    }

    static func sortedSamples(_ exposition: String) -> [String] {
        exposition.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init).sorted()
    }

    @Test func textfileIsWrittenAtomicallyBesideItself() throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("rulewatch.prom").path
        let run = try Tool.run(["export", Self.sample, "--textfile", path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        let stdout = try Tool.run(["export", Self.sample])
        #expect(try String(contentsOfFile: path, encoding: .utf8).count == stdout.stdout.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["rulewatch.prom"])
    }

    @Test func unwritableTextfileExits74() throws {
        let run = try Tool.run(["export", Self.sample, "--textfile", "/nonexistent-rulewatch-dir/rulewatch.prom"])
        #expect(run.status == 74)
        #expect(run.stderr.hasPrefix("error: ") && run.stderr.contains("/nonexistent-rulewatch-dir/"))
    }

    @Test func missingCaptureExits66() throws {
        let run = try Tool.run(["export", "/nonexistent-rulewatch-capture.txt"])
        #expect(run.status == 66)
        #expect(run.stdout.isEmpty)
    }
}
