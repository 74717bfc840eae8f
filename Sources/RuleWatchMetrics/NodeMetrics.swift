import RuleWatchCore

/// What one node exports: its rules' totals, its chains' resets, its current findings and
/// its egress, whichever source they come from (a capture's history, or the store).
///
/// `PrometheusExposition` renders it; build it with `init(history:egress:config:)` from a
/// capture, or fill it from the store's totals.
public struct NodeMetrics: Sendable {
    /// One rule's series: `rulewatch_rule_packets_total`, `..._bytes_total` and `rulewatch_rule_info`.
    public struct Rule: Sendable, Hashable {
        public var family: String
        public var table: String
        public var chain: String
        public var target: String
        /// `HistoryRule.id`.
        public var ruleID: String
        /// The rule as the dump printed it.
        public var text: String
        /// Totals corrected for resets (`CounterTotals`): they never go down while the rule lives.
        public var packets: UInt64
        public var bytes: UInt64
        /// Its counters moved within the history (or the store's retention).
        public var moved: Bool

        public init(family: String, table: String, chain: String, target: String, ruleID: String, text: String,
                    packets: UInt64, bytes: UInt64, moved: Bool) {
            self.family = family; self.table = table; self.chain = chain; self.target = target
            self.ruleID = ruleID; self.text = text; self.packets = packets; self.bytes = bytes; self.moved = moved
        }
    }

    /// One chain's `rulewatch_chain_resets_total`.
    public struct ChainResets: Sendable, Hashable {
        public var family: String
        public var table: String
        public var chain: String
        public var resets: UInt64

        public init(family: String, table: String, chain: String, resets: UInt64) {
            self.family = family; self.table = table; self.chain = chain; self.resets = resets
        }
    }

    public var rules: [Rule]
    public var chainResets: [ChainResets]
    /// The current findings: `rulewatch_finding`.
    public var findings: [Finding]
    /// The last interval's egress success 0...1; `nil` when unknown (the gauge is then left out).
    public var egressSuccessRatio: Double?
    /// Nanoseconds since the epoch of the last snapshot; `nil` when it had no time.
    public var lastSnapshotTime: Int64?

    public init(rules: [Rule] = [], chainResets: [ChainResets] = [], findings: [Finding] = [],
                egressSuccessRatio: Double? = nil, lastSnapshotTime: Int64? = nil) {
        self.rules = rules
        self.chainResets = chainResets
        self.findings = findings
        self.egressSuccessRatio = egressSuccessRatio
        self.lastSnapshotTime = lastSnapshotTime
    }
}
