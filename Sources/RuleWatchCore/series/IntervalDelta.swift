/// What a rule's counters did over one interval: from the previous snapshot that showed it
/// (or, for a rule that appeared mid-capture, from zero) to `snapshot`.
public struct IntervalDelta: Sendable, Hashable {
    /// The interval ends at this snapshot.
    public var snapshot: Int
    /// Its length; `nil` when a snapshot had no time.
    public var seconds: Double?
    /// Best estimate (the printed values' difference; exact for exact counters).
    public var packets: UInt64
    public var bytes: UInt64
    /// What the counter certainly grew by (abbreviated counters are intervals).
    public var packetsAtLeast: UInt64
    /// The lower bound rose: only then may a climb be claimed.
    public var rose: Bool
    /// The counter went down: the rule was reset (rewritten, replaced, rebooted); the delta
    /// counts from zero.
    public var reset: Bool
    /// The rule appeared in this interval; the delta counts from zero.
    public var appeared: Bool

    /// Packets per second, or per interval when the snapshots have no times.
    public var rate: Double {
        let p = rose ? Double(packets) : 0
        guard let s = seconds, s > 0 else { return p }
        return p / s
    }
}
