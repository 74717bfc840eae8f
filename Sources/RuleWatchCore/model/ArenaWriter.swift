/// Writes into room a `RuleArena` reserved (`RuleArena.write(reserving:_:)`): a bounds check
/// and a copy per piece.
public struct ArenaWriter {
    @usableFromInline let start: UnsafeMutableRawPointer
    @usableFromInline let capacity: Int
    @usableFromInline let origin: Int32
    @usableFromInline var _count = 0
    /// Bytes written so far.
    @inlinable public var count: Int { _count }

    @inlinable
    init(start: UnsafeMutableRawPointer, capacity: Int, origin: Int32) {
        self.start = start
        self.capacity = capacity
        self.origin = origin
    }

    /// Where the next write lands, as an arena offset.
    @inlinable public var mark: Int32 { origin &+ Int32(truncatingIfNeeded: count) }

    @inlinable @inline(__always)
    public mutating func write(_ slice: ByteSlice) {
        let n = slice.count
        precondition(count + n <= capacity, "rule larger than its reservation")
        if n > 0 { (start + count).copyMemory(from: slice.base.baseAddress!, byteCount: n) }
        _count += n
    }

    @inlinable @inline(__always)
    public mutating func write(byte: UInt8) {
        precondition(count < capacity, "rule larger than its reservation")
        start.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        _count += 1
    }

    /// Writes `slice` and returns where it landed.
    @inlinable @inline(__always)
    public mutating func store(_ slice: ByteSlice) -> ArenaRange {
        let from = mark
        write(slice)
        return ArenaRange(start: from, end: mark)
    }

    /// Writes `slice`, moving up to 16 bytes with one load and store instead of a `memcpy`
    /// call when 16 bytes may be read from its start (`readable`: how many can) and written
    /// here (the reservation needs 16 bytes of slack for the last piece). Bytes written past
    /// the slice are not counted: the next piece overwrites them.
    @inlinable @inline(__always)
    public mutating func store(_ slice: ByteSlice, readable: Int) -> ArenaRange {
        let n = slice.count
        guard n <= 16, readable >= 16, count + 16 <= capacity, let from = slice.base.baseAddress else { return store(slice) }
        let start = mark
        (self.start + count).storeBytes(of: from.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
        _count += n
        return ArenaRange(start: start, end: mark)
    }
}
