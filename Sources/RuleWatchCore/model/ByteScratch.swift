/// A growable byte buffer reused for every rule, so building a normalized identity (or the
/// text of an nft -j rule) does not allocate. A class so a sink struct can carry it without
/// copying on each mutation.
final class ByteScratch {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 4096) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    deinit { base.deallocate() }

    @inline(__always) func reset() { count = 0 }

    /// Takes back the last byte written (a separator written ahead of a token that moved).
    @inline(__always) func removeLast() { if count > 0 { count -= 1 } }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
    var slice: ByteSlice { ByteSlice(bytes) }

    @inline(__always)
    func append(byte: UInt8) {
        if count == capacity { grow(count + 1) }
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    /// The byte at `i` (below `count`).
    @inline(__always) subscript(i: Int) -> UInt8 { base.load(fromByteOffset: i, as: UInt8.self) }

    /// Drops the bytes from `count` on.
    @inline(__always) func truncate(to count: Int) { if count < self.count { self.count = Swift.max(count, 0) } }

    @inline(__always)
    func append(_ p: UnsafeRawPointer, _ n: Int) {
        guard n > 0 else { return }
        if count + n > capacity { grow(count + n) }
        (base + count).copyMemory(from: p, byteCount: n)
        count += n
    }

    @inline(__always)
    func append(_ slice: ByteSlice) {
        guard let p = slice.base.baseAddress else { return }
        append(p, slice.count)
    }

    func append(_ text: StaticString) { append(ByteSlice(text)) }

    /// Writes `value` in decimal.
    func append(decimal value: UInt64) {
        var digits = 1
        var v = value
        while v >= 10 { v /= 10; digits += 1 }
        if count + digits > capacity { grow(count + digits) }
        v = value
        for i in stride(from: digits - 1, through: 0, by: -1) {
            base.storeBytes(of: UInt8(truncatingIfNeeded: v % 10) + ASCII.zero, toByteOffset: count + i, as: UInt8.self)
            v /= 10
        }
        count += digits
    }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
