/// Per rule, what it counted since the history first showed it, corrected for resets; per
/// chain, in how many snapshots any of its rules' counters was reset.
///
/// A kernel counter restarts from zero when its rule is rewritten (kube-proxy's syncs,
/// `iptables-restore` without `--counters`, a reboot). A total that followed the counter
/// would go down there, and Prometheus would read the drop as a reset of its own and lose
/// the interval's traffic or, worse, count it twice. So a total never goes down while its
/// rule lives: it starts at the first counter the history shows, adds each rise, and when a
/// counter went down (the rule was reset) adds the new counter whole, the traffic since the
/// reset. A rule rewritten with the same text keeps its identity (`HistoryRule.id`), so its
/// total goes on across the rewrite.
///
/// A counter went down when its packets or bytes certainly did, as the analyzer decides
/// (`IntervalDelta.reset`): an abbreviated listing count (`445K`) is an interval, and only a
/// new interval wholly below the old one is a reset. Totals add the printed values.
///
/// ```swift
/// let totals = CounterTotals(history)
/// for (rule, total) in totals.rules.enumerated() { if let total { print(history.rules[rule].id, total.packets) } }
/// ```
public struct CounterTotals: Sendable {
    /// One rule's totals.
    public struct RuleTotal: Sendable, Hashable {
        public var packets: UInt64
        public var bytes: UInt64
        /// The counters moved within the history: a rise, a reset to a nonzero count, or an
        /// appearance mid-capture with a nonzero count. Rules that only ever showed the same
        /// numbers (most of a big ruleset) did not.
        public var moved: Bool
        /// How many times its counters went down.
        public var resets: Int
        /// The last snapshot that showed it.
        public var lastSnapshot: Int
    }

    /// By rule index (`CaptureHistory.rules`); `nil` for a rule the dumps showed without
    /// counters (`iptables-save` without `-c`).
    public var rules: [RuleTotal?]
    /// By chain index (`CaptureHistory.chains`): the snapshots in which any of its rules'
    /// counters went down, as the store counts them (a chain kube-proxy rewrote once adds 1,
    /// however many rules it holds). Policy counters count in their chain too.
    public var chainResets: [Int]

    public init(_ history: CaptureHistory) {
        var rules = [RuleTotal?](repeating: nil, count: history.rules.count)
        // Per chain, the snapshots that reset one of its rules.
        var resetSnapshots = [Set<Int>](repeating: [], count: history.chains.count)
        history.forEachSeries(in: 0..<history.snapshots.count) { series in
            guard series.hasCounters, let first = series.packets.first, let firstBytes = series.bytes.first else { return }
            var total = RuleTotal(packets: first.printed, bytes: firstBytes.printed,
                                  moved: series.appearedAt != nil && first.printed > 0,
                                  resets: 0, lastSnapshot: series.snapshots.last!)
            for k in 1..<series.packets.count {
                let p0 = series.packets[k - 1], p1 = series.packets[k]
                let b0 = series.bytes[k - 1], b1 = series.bytes[k]
                if p1.upper < p0.lower || b1.upper < b0.lower {
                    total.resets += 1
                    resetSnapshots[history.rules[series.rule].chain].insert(series.snapshots[k])
                    total.packets &+= p1.printed
                    total.bytes &+= b1.printed
                    if p1.printed > 0 { total.moved = true }
                } else {
                    // Printed values never go down while the count rises, abbreviated or not.
                    let rise = p1.printed >= p0.printed ? p1.printed - p0.printed : 0
                    total.packets &+= rise
                    total.bytes &+= b1.printed >= b0.printed ? b1.printed - b0.printed : 0
                    if rise > 0 { total.moved = true }
                }
            }
            rules[series.rule] = total
        }
        self.rules = rules
        self.chainResets = resetSnapshots.map(\.count)
    }
}
