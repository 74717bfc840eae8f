/// An open-addressing map from an already well-mixed 64-bit key to a small index: the
/// ingest loop's lookups, without `Hasher`'s per-lookup seeding and mixing.
struct _KeyTable {
    private var keys: [UInt64]
    private var values: [Int32]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var n = 16
        while n * 3 < capacity * 4 { n <<= 1 }
        keys = [UInt64](repeating: 0, count: n)
        values = [Int32](repeating: -1, count: n)
        mask = n - 1
    }

    subscript(key: UInt64) -> Int32? {
        get {
            var i = Int(truncatingIfNeeded: key) & mask
            while true {
                let v = values[i]
                if v < 0 { return nil }
                if keys[i] == key { return v }
                i = (i + 1) & mask
            }
        }
        set {
            guard let newValue else { preconditionFailure("_KeyTable does not remove") }
            if (count + 1) * 4 > keys.count * 3 { grow() }
            var i = Int(truncatingIfNeeded: key) & mask
            while values[i] >= 0 && keys[i] != key { i = (i + 1) & mask }
            if values[i] < 0 { count += 1 }
            keys[i] = key
            values[i] = newValue
        }
    }

    /// Makes room for `count` keys in all, so that adding them does not rehash.
    mutating func reserve(_ count: Int) {
        var n = keys.count
        while count * 4 > n * 3 { n <<= 1 }
        if n > keys.count { rehash(into: n) }
    }

    private mutating func grow() { rehash(into: keys.count * 2) }

    private mutating func rehash(into size: Int) {
        let oldKeys = keys
        let oldValues = values
        keys = [UInt64](repeating: 0, count: size)
        values = [Int32](repeating: -1, count: size)
        mask = size - 1
        count = 0
        for (k, v) in zip(oldKeys, oldValues) where v >= 0 { self[k] = v }
    }
}
