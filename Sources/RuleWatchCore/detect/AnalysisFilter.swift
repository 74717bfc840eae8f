/// What a user narrowed the analysis to (`--since`, `--until`, `--table`, `--chain`,
/// `--ignore`).
public struct AnalysisFilter {
    /// Only snapshots taken at or after / at or before these times (nanoseconds since the
    /// epoch); snapshots without a time are kept.
    public var since: Int64?
    public var until: Int64?
    /// Only findings about this table / chain.
    public var table: String?
    public var chain: String?
    /// Findings about these rules are dropped (added to the config's).
    public var ignores: [RuleSelector]

    public init(since: Int64? = nil, until: Int64? = nil, table: String? = nil, chain: String? = nil,
                ignores: [RuleSelector] = []) {
        self.since = since; self.until = until; self.table = table; self.chain = chain; self.ignores = ignores
    }
}
