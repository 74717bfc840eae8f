/// A fixed 64-bit hash for rule identities: the same bytes give the same value in every
/// process and on every machine (Swift's `Hasher` is seeded per process, so it cannot name
/// a rule in a report that is compared tomorrow).
///
/// It reads eight bytes at a time, folding each word in with a multiply and a rotation
/// (both bijective, so two inputs that differ in one word never meet), then finishes with
/// MurmurHash3's `fmix64` over the length.
enum StableHasher {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    static func fold(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let m = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
        return (m << 29) | (m >> 35)
    }

    @inline(__always)
    static func finish(_ h: UInt64, length: Int) -> UInt64 {
        var x = h ^ UInt64(truncatingIfNeeded: length)
        x ^= x >> 33
        x &*= 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x &*= 0xc4ce_b9fe_1a85_ec53
        x ^= x >> 33
        return x
    }

    /// Hashes `bytes`, starting from `seed` (chain another hash in through it).
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = StableHasher.seed) -> UInt64 {
        var h = seed
        let n = bytes.count
        guard let base = bytes.baseAddress else { return finish(h, length: 0) }
        var i = 0
        while i + 8 <= n {
            h = fold(h, base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            if n >= 8 {
                // The last eight bytes, less those already folded in: the same little-endian
                // word the byte loop below builds, in one load.
                let last = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
                tail = last >> UInt64(8 * (8 - (n - i)))
            } else {
                var shift: UInt64 = 0
                while i < n {
                    tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
                    shift += 8
                    i += 1
                }
            }
            h = fold(h, tail)
        }
        return finish(h, length: n)
    }

    static func hash(_ string: String, seed: UInt64 = StableHasher.seed) -> UInt64 {
        var s = string
        return s.withUTF8 { hash(UnsafeRawBufferPointer($0), seed: seed) }
    }

    /// A hash of `value` and a small number, for the nth duplicate of one identity.
    static func combine(_ value: UInt64, _ n: Int) -> UInt64 {
        finish(fold(value, UInt64(truncatingIfNeeded: n) &+ 0x5851_f42d_4c95_7f2d), length: 8)
    }
}
