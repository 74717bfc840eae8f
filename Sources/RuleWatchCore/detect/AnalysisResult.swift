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

    /// Groups `findings` by rule, without the consequences and next steps only the analyzer
    /// can work out.
    public init(snapshots: Int, rules: Int, findings: [Finding]) {
        self.init(snapshots: snapshots, rules: rules, findings: findings,
                  entries: RuleEntry.grouping(findings), timeline: AnalysisTimeline())
    }

    public init(snapshots: Int, rules: Int, findings: [Finding], entries: [RuleEntry], timeline: AnalysisTimeline) {
        self.snapshots = snapshots
        self.rules = rules
        self.findings = findings
        self.entries = entries
        self.timeline = timeline
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
