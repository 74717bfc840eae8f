/// One snapshot's samples, in capture order: per sample its rule and its counters, all the
/// history keeps per rule per snapshot (16 bytes, and the rules are shared, see `rules`).
struct _SampleChunk: Sendable {
    /// Per sample: its rule in the low 30 bits and the flags above. Snapshots of a steady
    /// capture list the same rules in the same order, so a chunk whose sequence equals the
    /// one before's takes that one's array instead (`share(with:)`): one copy for all.
    private(set) var rules: [UInt32] = []
    /// Per sample: packets and bytes, exact; for an abbreviated sample (a listing's `445K`)
    /// the index of its pair in `abbreviated`.
    private var counters: [SIMD2<UInt64>] = []
    private var abbreviated: [Counter] = []

    /// Dumped without counters (`iptables-save` without `-c`).
    private static let uncounted: UInt32 = 1 << 30
    private static let isAbbreviated: UInt32 = 1 << 31
    static let ruleMask: UInt32 = (1 << 30) - 1

    var count: Int { rules.count }

    mutating func reserveCapacity(_ n: Int) {
        rules.reserveCapacity(n)
        counters.reserveCapacity(n)
    }

    var capacity: Int { Swift.min(rules.capacity, counters.capacity) }

    @inline(__always)
    mutating func append(rule: Int32, packets: Counter?, bytes: Counter?) {
        let r = UInt32(truncatingIfNeeded: rule)
        guard let p = packets else {
            rules.append(r | Self.uncounted)
            counters.append(SIMD2(0, 0))
            return
        }
        let b = bytes ?? .exact(0)
        if _fastPath(p.lower == p.upper && p.printed == p.lower && b.lower == b.upper && b.printed == b.lower) {
            rules.append(r)
            counters.append(SIMD2(p.printed, b.printed))
        } else {
            rules.append(r | Self.isAbbreviated)
            counters.append(SIMD2(UInt64(abbreviated.count), 0))
            abbreviated.append(p)
            abbreviated.append(b)
        }
    }

    /// The rule of sample `i`.
    @inline(__always)
    func rule(_ i: Int) -> Int { Int(rules[i] & Self.ruleMask) }

    /// Sample `i`'s counters.
    @inline(__always)
    func sample(_ i: Int) -> (hasCounters: Bool, packets: Counter, bytes: Counter) {
        let flags = rules[i]
        let c = counters[i]
        if flags & Self.isAbbreviated != 0 {
            let k = Int(c[0])
            return (true, abbreviated[k], abbreviated[k + 1])
        }
        return (flags & Self.uncounted == 0, .exact(c[0]), .exact(c[1]))
    }

    /// Takes `other`'s rule sequence when it is the same, so that both share one array.
    mutating func share(with other: _SampleChunk) {
        if rules.count == other.rules.count, rules == other.rules { rules = other.rules }
    }
}
