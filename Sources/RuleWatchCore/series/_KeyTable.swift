/// An open-addressing map from an already well-mixed 64-bit key to a small index: the
/// ingest loop's lookups, without `Hasher`'s per-lookup seeding and mixing.
///
/// Key and value share a slot, so a probe of a big table (a node's 33,000 rules) misses the
/// cache once, not once for the value and again for the key.
struct _KeyTable {
    private struct Slot {
        var key: UInt64
        /// -1: empty.
        var value: Int32
    }

    private var slots: [Slot]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var n = 16
        while n * 3 < capacity * 4 { n <<= 1 }
        slots = [Slot](repeating: Slot(key: 0, value: -1), count: n)
        mask = n - 1
    }

    subscript(key: UInt64) -> Int32? {
        get {
            slots.withUnsafeBufferPointer { slots in
                var i = Int(truncatingIfNeeded: key) & mask
                while true {
                    let s = slots[i]
                    if s.value < 0 { return nil }
                    if s.key == key { return s.value }
                    i = (i + 1) & mask
                }
            }
        }
        set {
            guard let newValue else { preconditionFailure("_KeyTable does not remove") }
            if (count + 1) * 4 > slots.count * 3 { grow() }
            var i = Int(truncatingIfNeeded: key) & mask
            while slots[i].value >= 0 && slots[i].key != key { i = (i + 1) & mask }
            if slots[i].value < 0 { count += 1 }
            slots[i] = Slot(key: key, value: newValue)
        }
    }

    /// Makes room for `count` keys in all, so that adding them does not rehash.
    mutating func reserve(_ count: Int) {
        var n = slots.count
        while count * 4 > n * 3 { n <<= 1 }
        if n > slots.count { rehash(into: n) }
    }

    private mutating func grow() { rehash(into: slots.count * 2) }

    private mutating func rehash(into size: Int) {
        let old = slots
        slots = [Slot](repeating: Slot(key: 0, value: -1), count: size)
        mask = size - 1
        count = 0
        for s in old where s.value >= 0 { self[s.key] = s.value }
    }
}
