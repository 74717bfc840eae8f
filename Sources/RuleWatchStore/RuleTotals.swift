import RuleWatchCore

/// A rule's counters for export: its last raw counters and running totals that never go
/// down (a reset adds the counter's new value instead of a negative difference).
public struct RuleTotals: Sendable, Hashable {
    public var ruleID: String
    public var key: UInt64
    public var family: Family
    public var table: String
    public var chain: String
    public var target: String
    public var text: String
    public var isPolicy: Bool
    /// Shown by the source's last snapshot.
    public var alive: Bool
    /// The last counters a dump printed (`nil`: dumped without counters).
    public var packets: Counter?
    public var bytes: Counter?
    /// Reset-corrected totals since the rule was first seen (printed values of abbreviated counters).
    public var totalPackets: UInt64
    public var totalBytes: UInt64
    public var resets: Int
    /// Nanoseconds since the epoch.
    public var firstSeen: Int64
    public var lastSeen: Int64
}

/// A chain's policy and how many snapshots reset any of its rules.
public struct ChainTotals: Sendable, Hashable {
    public var family: Family
    public var table: String
    public var chain: String
    public var hook: String?
    public var policy: String?
    public var resets: Int
}
