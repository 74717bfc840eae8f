/// What `rulewatch analyze` reports: the findings, ranked most suspicious first.
public struct AnalysisResult: Sendable {
    /// Snapshots analyzed.
    public var snapshots: Int
    /// Distinct rules seen in them.
    public var rules: Int
    public var findings: [Finding]

    public init(snapshots: Int, rules: Int, findings: [Finding]) {
        self.snapshots = snapshots
        self.rules = rules
        self.findings = findings
    }

    /// The most severe finding's severity; `nil` when there is none (for `--fail-on`).
    public var worstSeverity: Severity? { findings.map(\.severity).max() }

    /// Whether a finding at or above `severity` exists.
    public func hasFinding(atLeast severity: Severity) -> Bool { findings.contains { $0.severity >= severity } }
}
