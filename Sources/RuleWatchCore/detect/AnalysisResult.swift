/// What `rulewatch analyze` found: every finding ranked most suspicious first, and the same
/// findings grouped into one entry per rule (`entries`), culprits first.
public struct AnalysisResult: Sendable {
    /// Snapshots analyzed.
    public var snapshots: Int
    /// Distinct rules seen in them.
    public var rules: Int
    public var findings: [Finding]
    /// One per rule, in reading order: critical, other warnings, rules that only carry a
    /// culprit's traffic, then the rest.
    public var entries: [RuleEntry]
    /// What the charts and the ruleset diff of a report need; empty unless the analyzer was
    /// asked for it.
    public var timeline: AnalysisTimeline
    /// The egress signal the findings were weighed against.
    public var egressSource: EgressSource
    /// For a `.passive` signal: how many pod namespaces it came from.
    public var egressNamespaces: Int

    /// Groups `findings` by rule, without the consequences and next steps only the analyzer
    /// can work out.
    public init(snapshots: Int, rules: Int, findings: [Finding], egressSource: EgressSource = .none,
                egressNamespaces: Int = 0) {
        self.init(snapshots: snapshots, rules: rules, findings: findings, entries: RuleEntry.grouping(findings),
                  timeline: AnalysisTimeline(), egressSource: egressSource, egressNamespaces: egressNamespaces)
    }

    public init(snapshots: Int, rules: Int, findings: [Finding], entries: [RuleEntry], timeline: AnalysisTimeline,
                egressSource: EgressSource = .none, egressNamespaces: Int = 0) {
        self.snapshots = snapshots
        self.rules = rules
        self.findings = findings
        self.entries = entries
        self.timeline = timeline
        self.egressSource = egressSource
        self.egressNamespaces = egressNamespaces
    }

    /// `egress: passive, from 14 pod namespaces` when the egress signal was estimated from the
    /// pods' own TCP counters; `nil` for the other signals, which the user gave.
    public var egressLine: String? {
        guard egressSource == .passive else { return nil }
        return "egress: passive, from \(egressNamespaces) pod namespace\(egressNamespaces == 1 ? "" : "s")"
    }

    /// The most severe finding's severity; `nil` when there is none (for `--fail-on`).
    public var worstSeverity: Severity? { findings.map(\.severity).max() }

    /// Whether a finding at or above `severity` exists.
    public func hasFinding(atLeast severity: Severity) -> Bool { findings.contains { $0.severity >= severity } }

    /// The finding that leads `entry`.
    public func lead(_ entry: RuleEntry) -> Finding { findings[entry.findings[0]] }
}

extension RuleEntry {
    /// `findings` (ranked) grouped by rule, in the order of each group's best finding.
    static func grouping(_ findings: [Finding]) -> [RuleEntry] {
        var byRule: [String: Int] = [:]
        var out: [RuleEntry] = []
        for (i, f) in findings.enumerated() {
            let key = f.ruleIndex.map { "#\($0)" } ?? (f.ruleID.isEmpty ? nil : f.ruleID)
            if let key, let e = byRule[key] {
                out[e].findings.append(i)
            } else {
                if let key { byRule[key] = out.count }
                out.append(RuleEntry(findings: [i]))
            }
        }
        return out
    }
}
