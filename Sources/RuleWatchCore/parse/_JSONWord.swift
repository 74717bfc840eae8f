/// Eight bytes of JSON at a time (SWAR on a `UInt64`, little-endian): masks with the high
/// bit set in each byte that is a given character. Exact: no carry crosses bytes, so a
/// mask never flags a byte that is not the character (the usual `haszero` trick is not).
enum _JSONWord {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    static let high: UInt64 = 0x8080_8080_8080_8080

    @inline(__always)
    static func load(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The bytes of `w` that are zero.
    @inline(__always)
    static func zeros(_ w: UInt64) -> UInt64 {
        ~(((w & low7) &+ low7) | w | low7)
    }

    /// The bytes of `w` that are `c`.
    @inline(__always)
    static func bytes(_ w: UInt64, _ c: UInt8) -> UInt64 {
        zeros(w ^ (ones &* UInt64(c)))
    }

    /// The bytes of `w` below 0x20 (control bytes: tab, newline, return among them).
    @inline(__always)
    static func controls(_ w: UInt64) -> UInt64 {
        zeros(w & 0xE0E0_E0E0_E0E0_E0E0)
    }

    /// `{` and `[` (a byte that is one of them once 0x20 is set), then `}` and `]`.
    @inline(__always)
    static func opens(_ lowered: UInt64) -> UInt64 { bytes(lowered, 0x7B) }
    @inline(__always)
    static func closes(_ lowered: UInt64) -> UInt64 { bytes(lowered, 0x7D) }

    /// Each byte's high bit becomes the parity of the flagged bytes at or before it: with
    /// quotes flagged, the bytes inside a string (its opening quote included).
    @inline(__always)
    static func prefixParity(_ m: UInt64) -> UInt64 {
        var x = m
        x ^= x << 8
        x ^= x << 16
        x ^= x << 32
        return x
    }
}
