import RuleWatchCore

/// Every rule's last counters and whether the last snapshot showed it: what a snapshot's
/// changes are encoded against, and what decoding them rebuilds.
struct _CounterState {
    var alive: [Bool] = []
    /// Dumped without counters the last time.
    var uncounted: [Bool] = []
    var packets: [Counter] = []
    var bytes: [Counter] = []

    var count: Int { alive.count }

    /// Grows to `n` rules; a new rule has not been shown and counts zero.
    mutating func grow(to n: Int) {
        guard n > alive.count else { return }
        let more = n - alive.count
        alive.append(contentsOf: repeatElement(false, count: more))
        uncounted.append(contentsOf: repeatElement(false, count: more))
        packets.append(contentsOf: repeatElement(.exact(0), count: more))
        bytes.append(contentsOf: repeatElement(.exact(0), count: more))
    }

    /// Whether rule `r`'s last counters are these.
    @inline(__always)
    func same(_ r: Int, packets p: Counter?, bytes b: Counter?) -> Bool {
        guard let p else { return uncounted[r] }
        return !uncounted[r] && packets[r] == p && bytes[r] == (b ?? .exact(0))
    }
}
