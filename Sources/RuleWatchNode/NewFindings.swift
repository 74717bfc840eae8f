import RuleWatchCore

/// Which findings a collect run should tell about: those the history up to this snapshot
/// has and the history up to the previous one did not. Derived from the stored history
/// rather than remembered, so that overlapping cron runs, a failed run or a deleted state
/// file can neither repeat an alert every minute nor swallow one.
public enum NewFindings {
    /// What makes two findings the same across runs: the kind and the rule (or, for a
    /// chain's finding, the chain).
    public static func key(_ f: Finding) -> String {
        "\(f.kind)|\(f.family)|\(f.table)|\(f.chain)|\(f.ruleID)"
    }

    /// The findings of `current` at or above `severity` that `previous` did not have at or
    /// above it; all of them when there was no previous analysis. Ranked as in `current`.
    public static func new(in current: AnalysisResult, since previous: AnalysisResult?,
                           atLeast severity: Severity = .critical) -> [Finding] {
        let before = Set((previous?.findings ?? []).filter { $0.severity >= severity }.map(key))
        return current.findings.filter { $0.severity >= severity && !before.contains(key($0)) }
    }
}
