import Glibc

/// A borrowed run of bytes: a line, a field of it, a rule's text in a `RuleArena`.
///
/// It does not own its memory and must not outlive the call that lent it (a line lives
/// until the next `LineReader.next()`, a rule view until its `forEach` body returns).
/// Comparisons and hashing work on bytes; `string` copies out when a field leaves the parser.
public struct ByteSlice: @unchecked Sendable {
    public let base: UnsafeRawBufferPointer

    @inlinable
    public init(_ base: UnsafeRawBufferPointer) { self.base = base }

    /// A literal's bytes, which live as long as the program.
    @inlinable
    public init(_ literal: StaticString) {
        base = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
    }

    public static let empty = ByteSlice(UnsafeRawBufferPointer(start: nil, count: 0))

    @inlinable public var count: Int { base.count }
    @inlinable public var isEmpty: Bool { base.count == 0 }
    @inlinable public subscript(i: Int) -> UInt8 { base[i] }

    /// The byte at `i`, or `nil` past the end.
    @inlinable @inline(__always)
    public func byte(at i: Int) -> UInt8? { i >= 0 && i < base.count ? base[i] : nil }

    /// Bytes `from..<to`, clamped to the slice.
    @inlinable
    public func slice(_ from: Int, _ to: Int) -> ByteSlice {
        let lo = Swift.max(0, Swift.min(from, base.count))
        let hi = Swift.max(lo, Swift.min(to, base.count))
        guard let start = base.baseAddress else { return .empty }
        return ByteSlice(UnsafeRawBufferPointer(start: start + lo, count: hi - lo))
    }

    @inlinable
    public func dropFirst(_ n: Int) -> ByteSlice { slice(n, base.count) }

    /// Copies the bytes out as a `String`, repairing invalid UTF-8.
    public var string: String { String(decoding: base, as: UTF8.self) }

    /// Without leading and trailing blanks (space, tab, CR).
    @inlinable
    public var trimmed: ByteSlice {
        var lo = 0
        var hi = base.count
        while lo < hi, ASCII.isBlank(base[lo]) { lo += 1 }
        while hi > lo, ASCII.isBlank(base[hi - 1]) { hi -= 1 }
        return slice(lo, hi)
    }

    @inlinable
    public func hasPrefix(_ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard n <= base.count else { return false }
        if n == 0 { return true }
        return memcmp(base.baseAddress!, prefix.utf8Start, n) == 0
    }

    @inlinable
    public func hasSuffix(_ suffix: StaticString) -> Bool {
        let n = suffix.utf8CodeUnitCount
        guard n <= base.count else { return false }
        if n == 0 { return true }
        return memcmp(base.baseAddress! + (base.count - n), suffix.utf8Start, n) == 0
    }

    /// The offset of the first `byte` at or after `from`, using `memchr`.
    @inlinable
    public func firstIndex(of byte: UInt8, from: Int = 0) -> Int? {
        guard from < base.count, let start = base.baseAddress else { return nil }
        guard let hit = memchr(start + from, Int32(byte), base.count - from) else { return nil }
        return UnsafeRawPointer(hit) - start
    }

    /// The offset of the first occurrence of `needle` at or after `from`.
    public func firstRange(of needle: StaticString, from: Int = 0) -> Int? {
        let n = needle.utf8CodeUnitCount
        guard n > 0 else { return from }
        let first = needle.utf8Start[0]
        var i = from
        while let hit = firstIndex(of: first, from: i) {
            if hit + n > base.count { return nil }
            if memcmp(base.baseAddress! + hit, needle.utf8Start, n) == 0 { return hit }
            i = hit + 1
        }
        return nil
    }

    @inlinable
    public static func == (lhs: ByteSlice, rhs: StaticString) -> Bool {
        let n = rhs.utf8CodeUnitCount
        guard lhs.base.count == n else { return false }
        if n == 0 { return true }
        return memcmp(lhs.base.baseAddress!, rhs.utf8Start, n) == 0
    }

    @inlinable
    public static func == (lhs: ByteSlice, rhs: ByteSlice) -> Bool {
        guard lhs.base.count == rhs.base.count else { return false }
        if lhs.base.count == 0 { return true }
        return memcmp(lhs.base.baseAddress!, rhs.base.baseAddress!, lhs.base.count) == 0
    }

    /// The blank-separated fields, one by one, without building an array.
    @inlinable
    public var blankSeparated: BlankSeparated { BlankSeparated(self) }

    /// Splits at runs of blanks, the way a listing's columns are read.
    public func fields() -> [ByteSlice] {
        var out: [ByteSlice] = []
        var i = 0
        while i < base.count {
            while i < base.count, ASCII.isBlank(base[i]) { i += 1 }
            let start = i
            while i < base.count, !ASCII.isBlank(base[i]) { i += 1 }
            if i > start { out.append(slice(start, i)) }
        }
        return out
    }

    /// Reads the digits at `i` as a number and moves `i` past them; `nil` (and `i` past the
    /// digits read) when there are none or they overflow.
    @inline(__always)
    public func readDecimal(_ i: inout Int) -> UInt64? {
        let start = i
        var value: UInt64 = 0
        while i < base.count {
            let d = base[i] &- ASCII.zero
            if d >= 10 { break }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            value = a
            i += 1
        }
        return i > start ? value : nil
    }

    /// Reads decimal digits as a number; `nil` when empty, not all digits, or too large.
    @inlinable
    public var decimal: UInt64? {
        var i = 0
        guard let value = readDecimal(&i), i == base.count else { return nil }
        return value
    }
}

/// A `ByteSlice`'s fields between runs of blanks, read lazily.
public struct BlankSeparated: Sequence, IteratorProtocol {
    @usableFromInline let slice: ByteSlice
    @usableFromInline var i = 0

    @inlinable init(_ slice: ByteSlice) { self.slice = slice }

    @inlinable
    public mutating func next() -> ByteSlice? {
        let b = slice.base
        while i < b.count, ASCII.isBlank(b[i]) { i += 1 }
        let start = i
        while i < b.count, !ASCII.isBlank(b[i]) { i += 1 }
        return i > start ? slice.slice(start, i) : nil
    }
}

/// Bytes named once, and the classes the scanners test. Computed and inlinable, not stored:
/// a stored `static let` is read through its lazy initializer's accessor, a call per byte in
/// the scanners' loops.
public enum ASCII {
    @inlinable public static var newline: UInt8 { UInt8(ascii: "\n") }
    @inlinable public static var carriageReturn: UInt8 { UInt8(ascii: "\r") }
    @inlinable public static var space: UInt8 { UInt8(ascii: " ") }
    @inlinable public static var tab: UInt8 { UInt8(ascii: "\t") }
    @inlinable public static var hash: UInt8 { UInt8(ascii: "#") }
    @inlinable public static var colon: UInt8 { UInt8(ascii: ":") }
    @inlinable public static var comma: UInt8 { UInt8(ascii: ",") }
    @inlinable public static var quote: UInt8 { UInt8(ascii: "\"") }
    @inlinable public static var backslash: UInt8 { UInt8(ascii: "\\") }
    @inlinable public static var slash: UInt8 { UInt8(ascii: "/") }
    @inlinable public static var star: UInt8 { UInt8(ascii: "*") }
    @inlinable public static var openBracket: UInt8 { UInt8(ascii: "[") }
    @inlinable public static var closeBracket: UInt8 { UInt8(ascii: "]") }
    @inlinable public static var openBrace: UInt8 { UInt8(ascii: "{") }
    @inlinable public static var closeBrace: UInt8 { UInt8(ascii: "}") }
    @inlinable public static var openParen: UInt8 { UInt8(ascii: "(") }
    @inlinable public static var closeParen: UInt8 { UInt8(ascii: ")") }
    @inlinable public static var dash: UInt8 { UInt8(ascii: "-") }
    @inlinable public static var plus: UInt8 { UInt8(ascii: "+") }
    @inlinable public static var dot: UInt8 { UInt8(ascii: ".") }
    @inlinable public static var at: UInt8 { UInt8(ascii: "@") }
    @inlinable public static var zero: UInt8 { UInt8(ascii: "0") }
    @inlinable public static var nine: UInt8 { UInt8(ascii: "9") }

    /// Space, tab or CR: what separates columns and trails lines.
    @inlinable public static func isBlank(_ b: UInt8) -> Bool { b == space || b == tab || b == carriageReturn }
    @inlinable public static func isDigit(_ b: UInt8) -> Bool { b &- zero < 10 }
    @inlinable public static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- UInt8(ascii: "a") < 26 }
}
