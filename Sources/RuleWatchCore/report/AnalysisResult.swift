/// What `rulewatch analyze` reports: the findings, ranked most suspicious first.
public struct AnalysisResult: Sendable {
    /// Snapshots analyzed.
    public var snapshots: Int
    /// Distinct rules seen in them.
    public var rules: Int
    public var findings: [Finding]
    /// The egress signal the findings were weighed against.
    public var egressSource: EgressSource

    public init(snapshots: Int, rules: Int, findings: [Finding], egressSource: EgressSource = .none) {
        self.snapshots = snapshots
        self.rules = rules
        self.findings = findings
        self.egressSource = egressSource
    }

    /// The most severe finding's severity; `nil` when there is none (for `--fail-on`).
    public var worstSeverity: Severity? { findings.map(\.severity).max() }

    /// Whether a finding at or above `severity` exists.
    public func hasFinding(atLeast severity: Severity) -> Bool { findings.contains { $0.severity >= severity } }
}
