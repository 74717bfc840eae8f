import Testing
import RuleWatchCore
@testable import RuleWatchMetrics

@Suite struct PrometheusExpositionTests {
    /// A rule comment as a hostile (or careless) installer might write it.
    static let hostileText = #"tcp dpt:https /* say "hi" \ bye"# + "\nnext line */ redir ports 47443"

    static func sample() -> NodeMetrics {
        NodeMetrics(
            rules: [
                NodeMetrics.Rule(family: "ip", table: "nat", chain: "PREROUTING", target: "REDIRECT", ruleID: "3766028a6fda",
                                 text: hostileText, packets: 234, bytes: 14040, moved: true),
                NodeMetrics.Rule(family: "ip", table: "filter", chain: "INPUT", target: "DROP", ruleID: "0123456789ab",
                                 text: "tcp dpt:23", packets: 0, bytes: 0, moved: false),
            ],
            chainResets: [NodeMetrics.ChainResets(family: "ip", table: "nat", chain: "KUBE-SVC-LOLE4ISW44XBNF3G", resets: 3)],
            findings: [Finding(kind: "climb-with-egress-drop", severity: .critical, score: 1, ruleID: "3766028a6fda",
                               family: "ip", table: "nat", chain: "PREROUTING", explanation: "x")],
            egressSuccessRatio: 0.25, lastSnapshotTime: 1_795_656_309_000_000_000)
    }

    static func lines(_ metrics: NodeMetrics, _ options: ExportOptions = ExportOptions()) -> [String] {
        String(decoding: PrometheusExposition.render(metrics, options: options), as: UTF8.self)
            .split(separator: "\n").map(String.init)
    }

    @Test func everyMetricHasHelpTypeAndItsLabels() throws {
        let lines = Self.lines(Self.sample())
        let expected: [(String, String, [String])] = [
            ("rulewatch_rule_packets_total", "counter", ["family", "table", "chain", "target", "rule_id"]),
            ("rulewatch_rule_bytes_total", "counter", ["family", "table", "chain", "target", "rule_id"]),
            ("rulewatch_rule_info", "gauge", ["rule_id", "rule"]),
            ("rulewatch_chain_resets_total", "counter", ["family", "table", "chain"]),
            ("rulewatch_finding", "gauge", ["kind", "severity", "family", "table", "chain", "rule_id"]),
            ("rulewatch_egress_success_ratio", "gauge", []),
            ("rulewatch_last_snapshot_timestamp_seconds", "gauge", []),
        ]
        for (name, type, labels) in expected {
            #expect(lines.contains { $0.hasPrefix("# HELP \(name) ") }, "no HELP for \(name)")
            #expect(lines.contains("# TYPE \(name) \(type)"), "no TYPE \(type) for \(name)")
            let samples = lines.filter { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") }
            #expect(!samples.isEmpty, "no sample of \(name)")
            for sample in samples {
                let names = Self.labelNames(sample)
                #expect(names == labels, "\(name): labels \(names), expected \(labels)")
            }
        }
        // Nothing else: the names are an interface.
        let families = Set(lines.filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] })
        #expect(families.count == expected.count)
        #expect(lines.contains(#"rulewatch_rule_packets_total{family="ip",table="nat",chain="PREROUTING",target="REDIRECT",rule_id="3766028a6fda"} 234"#))
        #expect(lines.contains(#"rulewatch_finding{kind="climb-with-egress-drop",severity="critical",family="ip",table="nat",chain="PREROUTING",rule_id="3766028a6fda"} 1.0"#))
        #expect(lines.contains("rulewatch_egress_success_ratio 0.25"))
        #expect(lines.contains("rulewatch_last_snapshot_timestamp_seconds 1795656309.0"))
    }

    @Test func hostileCommentIsEscapedAndPassesPromtool() throws {
        let lines = Self.lines(Self.sample())
        let info = lines.filter { $0.hasPrefix("rulewatch_rule_info{rule_id=\"3766028a6fda\"") }
        #expect(info == [#"rulewatch_rule_info{rule_id="3766028a6fda",rule="tcp dpt:https /* say \"hi\" \\ bye\nnext line */ redir ports 47443"} 1.0"#])
        let problems = try Promtool.checkMetrics(PrometheusExposition.render(Self.sample()))
        #expect(problems.isEmpty, "promtool check metrics: \(problems)")
    }

    @Test func minPacketsAndOnlyCountingLeaveQuietRulesOut() {
        let all = Self.lines(Self.sample())
        #expect(all.filter { $0.hasPrefix("rulewatch_rule_packets_total{") }.count == 2)
        for options in [ExportOptions(minPackets: 1), ExportOptions(onlyCounting: true)] {
            let some = Self.lines(Self.sample(), options)
            #expect(some.filter { $0.hasPrefix("rulewatch_rule_packets_total{") }.count == 1)
            #expect(some.filter { $0.hasPrefix("rulewatch_rule_info{") }.count == 1)
            #expect(!some.contains { $0.contains("0123456789ab") })
            // Chains, findings and egress stay.
            #expect(some.contains { $0.hasPrefix("rulewatch_chain_resets_total{") })
            #expect(some.contains { $0.hasPrefix("rulewatch_finding{") })
        }
        // Above every rule's count only the rule a finding names keeps its series.
        let none = Self.lines(Self.sample(), ExportOptions(minPackets: 235))
        let left = none.filter { $0.hasPrefix("rulewatch_rule_packets_total{") }
        #expect(left.count == 1 && left.allSatisfy { $0.contains("3766028a6fda") }, "\(left)")
    }

    @Test func twoFindingsOfOneSeriesKeepTheHigherScore() {
        var m = Self.sample()
        m.findings.append(Finding(kind: "climb-with-egress-drop", severity: .critical, score: 0.5, ruleID: "3766028a6fda",
                                  family: "ip", table: "nat", chain: "PREROUTING", explanation: "y"))
        let findings = Self.lines(m).filter { $0.hasPrefix("rulewatch_finding{") }
        #expect(findings.count == 1)
        #expect(findings.first?.hasSuffix(" 1.0") == true)
    }

    @Test func manySeriesKeepOneHelpAndTypePerFamily() throws {
        var m = Self.sample()
        m.rules = (0..<1000).map { i in
            NodeMetrics.Rule(family: "ip", table: "nat", chain: "KUBE-SEP-\(i / 2)", target: "DNAT", ruleID: String(0xa000_0000_0000 + i, radix: 16),
                             text: "-m comment --comment \"svc \(i)\" -j DNAT", packets: UInt64(i), bytes: UInt64(60 * i), moved: true)
        }
        // 500 chains with exported rules, one without rules but with resets, one with neither.
        m.chainResets += (0..<500).map { NodeMetrics.ChainResets(family: "ip", table: "nat", chain: "KUBE-SEP-\($0)", resets: 0) }
        m.chainResets.append(NodeMetrics.ChainResets(family: "ip", table: "nat", chain: "KUBE-SEP-IDLE", resets: 0))
        let lines = Self.lines(m)
        #expect(!lines.contains { $0.contains("KUBE-SEP-IDLE") })
        #expect(lines.filter { $0.hasPrefix("rulewatch_rule_packets_total{") }.count == 1000)
        #expect(lines.filter { $0.hasPrefix("rulewatch_rule_info{") }.count == 1000)
        #expect(lines.filter { $0.hasPrefix("rulewatch_chain_resets_total{") }.count == 501)
        for name in ["rulewatch_rule_packets_total", "rulewatch_rule_bytes_total", "rulewatch_rule_info", "rulewatch_chain_resets_total"] {
            #expect(lines.filter { $0.hasPrefix("# TYPE \(name) ") }.count == 1, "\(name)")
            #expect(lines.filter { $0.hasPrefix("# HELP \(name) ") }.count == 1, "\(name)")
        }
        // A family's samples follow its own TYPE line.
        let type = try #require(lines.firstIndex { $0.hasPrefix("# TYPE rulewatch_rule_packets_total ") })
        let last = try #require(lines.lastIndex { $0.hasPrefix("rulewatch_rule_packets_total{") })
        #expect(lines[type...last].allSatisfy { $0.hasPrefix("rulewatch_rule_packets_total") || $0 == lines[type] })
        let problems = try Promtool.checkMetrics(PrometheusExposition.render(m))
        #expect(problems.isEmpty, "promtool check metrics: \(problems)")
    }

    @Test func unknownEgressLeavesTheGaugeOut() {
        var m = Self.sample()
        m.egressSuccessRatio = nil
        #expect(!Self.lines(m).contains { $0.contains("rulewatch_egress_success_ratio") })
    }

    /// The label names of one sample line, in order.
    static func labelNames(_ line: String) -> [String] {
        guard let open = line.firstIndex(of: "{") else { return [] }
        var names: [String] = []
        var name = ""
        var inValue = false
        var escaped = false
        for c in line[line.index(after: open)...] {
            if inValue {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inValue = false }
                continue
            }
            switch c {
            case "=": names.append(name); name = ""
            case "\"": inValue = true
            case ",": continue
            case "}": return names
            default: name.append(c)
            }
        }
        return names
    }
}
