/// FNV-1a, 64 bits: a hash that is the same in every process (Swift's `Hasher` is seeded
/// per process), for signatures kept in the store.
struct _FNV {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ s: String) {
        for b in s.utf8 { byte(b) }
        byte(0xFF)
    }

    mutating func add(_ n: Int64) {
        var v = UInt64(bitPattern: n)
        for _ in 0..<8 {
            byte(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }

    @inline(__always)
    private mutating func byte(_ b: UInt8) {
        value = (value ^ UInt64(b)) &* 0x100_0000_01b3
    }
}
