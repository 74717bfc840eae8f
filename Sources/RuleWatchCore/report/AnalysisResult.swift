/// What `rulewatch analyze` reports: the findings, ranked most suspicious first.
public struct AnalysisResult: Sendable {
    /// Snapshots analyzed.
    public var snapshots: Int
    /// Distinct rules seen in them.
    public var rules: Int
    public var findings: [Finding]
    /// The egress signal the findings were weighed against.
    public var egressSource: EgressSource
    /// For a `.passive` signal: how many pod namespaces it came from.
    public var egressNamespaces: Int

    public init(snapshots: Int, rules: Int, findings: [Finding], egressSource: EgressSource = .none,
                egressNamespaces: Int = 0) {
        self.snapshots = snapshots
        self.rules = rules
        self.findings = findings
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
}
