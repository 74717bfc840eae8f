/// A rule's counters in one snapshot: all the history keeps per rule per snapshot.
struct RuleSample: Sendable {
    var rule: Int32
    var snapshot: Int32
    var position: Int32
    /// `false` for rules dumped without counters (`iptables-save` without `-c`).
    var hasCounters: Bool
    var packets: Counter
    var bytes: Counter
}
