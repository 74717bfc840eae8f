/// Eight bytes at a time (SWAR on a `UInt64`, little-endian): masks with the high bit set in
/// each byte that is a given character. Exact: no carry crosses bytes, so a mask never flags
/// a byte that is not the character (the usual `haszero` trick is not). The scanners that
/// look for a few bytes in long runs (JSON structure, a save rule's `-j`, an nft statement's
/// tabs, quotes and doubled spaces, a listing's blank-padded columns) share these.
@usableFromInline
enum ByteWord {
    @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
    @usableFromInline static let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

    @inlinable @inline(__always)
    static func load(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The `count` (below 8) bytes at `p` as a word, the bytes past them `padding`: a short
    /// run read without touching memory beyond it.
    @inlinable @inline(__always)
    static func load(_ p: UnsafeRawPointer, count: Int, padding: UInt8) -> UInt64 {
        var w = ones &* UInt64(padding)
        withUnsafeMutableBytes(of: &w) { $0.baseAddress!.copyMemory(from: p, byteCount: count) }
        return UInt64(littleEndian: w)
    }

    /// The bytes of `w` that are zero.
    @inlinable @inline(__always)
    static func zeros(_ w: UInt64) -> UInt64 {
        ~(((w & low7) &+ low7) | w | low7)
    }

    /// The bytes of `w` that are `c`.
    @inlinable @inline(__always)
    static func bytes(_ w: UInt64, _ c: UInt8) -> UInt64 {
        zeros(w ^ (ones &* UInt64(c)))
    }

    /// The bytes of `w` that are `c` or below (`c` < 0x80): the low seven bits plus `0x7F - c`
    /// carry into the high bit exactly when they exceed `c`, and never past it.
    @inlinable @inline(__always)
    static func atMost(_ w: UInt64, _ c: UInt8) -> UInt64 {
        ~(((w & low7) &+ ones &* UInt64(0x7F - c)) | w | low7)
    }

    /// The bytes of `w` above `c` (`c` < 0x80), and every byte from 0x80 up: the same carry
    /// as `atMost`'s, not inverted.
    @inlinable @inline(__always)
    static func above(_ w: UInt64, _ c: UInt8) -> UInt64 {
        (((w & low7) &+ ones &* UInt64(0x7F - c)) | w) & ~low7
    }

    /// Where the first flagged byte of a mask is, counted from the word's first byte.
    @inlinable @inline(__always)
    static func firstByte(_ mask: UInt64) -> Int {
        mask.trailingZeroBitCount >> 3
    }
}
