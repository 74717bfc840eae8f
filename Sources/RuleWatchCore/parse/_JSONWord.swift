/// Eight bytes of JSON at a time: the masks of `ByteWord`, and those only JSON needs.
enum _JSONWord {
    static let high: UInt64 = 0x8080_8080_8080_8080

    @inline(__always)
    static func load(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 { ByteWord.load(p, offset) }

    /// The bytes of `w` that are zero.
    @inline(__always)
    static func zeros(_ w: UInt64) -> UInt64 { ByteWord.zeros(w) }

    /// The bytes of `w` that are `c`.
    @inline(__always)
    static func bytes(_ w: UInt64, _ c: UInt8) -> UInt64 { ByteWord.bytes(w, c) }

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
