/// Samples of one snapshot, in capture order: per sample its rule and its counters.
///
/// Every sample a snapshot showed, changed or not, while it is read (and when a store
/// rebuilds one): `append(rule:packets:bytes:)` for each, then
/// `CaptureHistory.appendSnapshot(_:samples:)`; or only what changed, for
/// `appendSnapshot(_:changed:vanished:)`. The history keeps what changed as a `_KeptChunk`.
struct _SampleChunk: Sendable {
    /// Per sample: its rule in the low 30 bits and the flags above.
    private(set) var rules: [UInt32] = []
    /// Per sample: packets and bytes, exact; for an abbreviated sample (a listing's `445K`)
    /// the index of its pair in `abbreviated`.
    private(set) var counters: [SIMD2<UInt64>] = []
    private(set) var abbreviated: [Counter] = []

    /// Dumped without counters (`iptables-save` without `-c`).
    static let uncounted: UInt32 = 1 << 30
    static let isAbbreviated: UInt32 = 1 << 31
    static let flagMask: UInt32 = uncounted | isAbbreviated
    static let ruleMask: UInt32 = (1 << 30) - 1

    init() {}

    var count: Int { rules.count }

    mutating func reserveCapacity(_ n: Int) {
        rules.reserveCapacity(n)
        counters.reserveCapacity(n)
    }

    var capacity: Int { Swift.min(rules.capacity, counters.capacity) }

    mutating func removeAll() {
        rules.removeAll(keepingCapacity: true)
        counters.removeAll(keepingCapacity: true)
        abbreviated.removeAll(keepingCapacity: true)
    }

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

    /// Appends an exact or uncounted sample from its flags and counters (see `raw(_:)`).
    @inline(__always)
    mutating func append(rule: Int, flags: UInt32, counters c: SIMD2<UInt64>) {
        precondition(flags & Self.isAbbreviated == 0, "an abbreviated sample's counters are elsewhere")
        rules.append(UInt32(truncatingIfNeeded: rule) | flags)
        counters.append(c)
    }

    /// Appends sample `i` of a kept chunk.
    mutating func append(_ other: _KeptChunk, _ i: Int) {
        let (flags, c) = other.raw(i)
        if flags & Self.isAbbreviated == 0 {
            append(rule: other.rule(i), flags: flags, counters: c)
        } else {
            let sample = other.sample(i)
            append(rule: Int32(other.rule(i)), packets: sample.packets, bytes: sample.bytes)
        }
    }

    /// Appends sample `i` of `other`.
    @inline(__always)
    mutating func append(_ other: _SampleChunk, _ i: Int) {
        let word = other.rules[i]
        if _fastPath(word & Self.isAbbreviated == 0) {
            rules.append(word)
            counters.append(other.counters[i])
        } else {
            let k = Int(other.counters[i][0])
            rules.append(word)
            counters.append(SIMD2(UInt64(abbreviated.count), 0))
            abbreviated.append(other.abbreviated[k])
            abbreviated.append(other.abbreviated[k + 1])
        }
    }

    /// The rule of sample `i`.
    @inline(__always)
    func rule(_ i: Int) -> Int { Int(rules[i] & Self.ruleMask) }

    /// Sample `i`'s flags (`uncounted`, `isAbbreviated`) and its exact counters, or where
    /// its abbreviated pair is.
    @inline(__always)
    func raw(_ i: Int) -> (flags: UInt32, counters: SIMD2<UInt64>) {
        (rules[i] & Self.flagMask, counters[i])
    }

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
}
