import Glibc

/// A `RuleArena`'s byte buffer: the part of `[UInt8]` the scanners use, with appends that
/// cost a capacity check and a `memcpy`.
///
/// `Array.append(contentsOf:)` goes through the generic sequence path, about a hundred
/// instructions for each of the handful of small pieces a rule is written in; that was most
/// of what storing rules cost. A value type over a copy-on-write buffer: a table handed to a
/// sink and kept there stays as it was when the scanner goes on writing. The count lives in
/// the struct, not the buffer: a class's `var` is checked for exclusive access at run time
/// on every touch (the buffer's two fields opt out of that check: only the sole owner of a
/// buffer changes them). Its memory comes from `_ArenaMemory`, which grows a big buffer by
/// moving its pages rather than copying them into fresh memory that costs a page fault per
/// 4 KiB.
public struct _ArenaBytes: Sendable {
    @usableFromInline
    final class Storage: @unchecked Sendable {
        @exclusivity(unchecked) @usableFromInline var base: UnsafeMutableRawPointer
        @exclusivity(unchecked) @usableFromInline var capacity: Int

        @usableFromInline
        init(capacity: Int) {
            (base, self.capacity) = _ArenaMemory.allocate(capacity)
        }

        deinit { _ArenaMemory.release(base, capacity: capacity) }
    }

    @usableFromInline var storage: Storage
    @usableFromInline var _count = 0

    public init() { storage = Storage(capacity: 256) }

    /// An empty buffer that allocates nothing until written to.
    public static var empty: _ArenaBytes { _ArenaBytes(storage: _emptyStorage) }

    @usableFromInline
    init(storage: Storage) { self.storage = storage }

    @inlinable public var count: Int { _count }
    @inlinable public var isEmpty: Bool { _count == 0 }
    @inlinable public var last: UInt8? {
        _count == 0 ? nil : storage.base.load(fromByteOffset: _count - 1, as: UInt8.self)
    }

    @inlinable
    public subscript(i: Int) -> UInt8 {
        precondition(i >= 0 && i < _count, "arena index out of range")
        return storage.base.load(fromByteOffset: i, as: UInt8.self)
    }

    /// The bytes written so far, for a reader that holds the arena while it reads (a
    /// scanner comparing a rule's chain with the last one's): `withUnsafeBytes` without the
    /// reference it takes and lets go of on every call, which is once per rule there.
    @inlinable
    var heldBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage.base, count: _count) }

    /// Lends the bytes written so far.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) {
            try body(UnsafeRawBufferPointer(start: storage.base, count: _count))
        }
    }

    /// Makes the buffer its own and gives it room for `extra` more bytes.
    ///
    /// - Returns: where the next byte goes.
    @inlinable
    public mutating func reserve(_ extra: Int) -> UnsafeMutableRawPointer {
        if _slowPath(!isKnownUniquelyReferenced(&storage) || _count + extra > storage.capacity) {
            _reallocate(minimumCapacity: _count + extra)
        }
        return storage.base + _count
    }

    /// Counts `n` bytes written at `reserve`'s pointer as part of the buffer.
    @inlinable
    public mutating func commit(_ n: Int) {
        precondition(n >= 0 && _count + n <= storage.capacity, "arena write past its reservation")
        _count += n
    }

    @inlinable
    public mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        guard n > 0, let from = bytes.baseAddress else { return }
        reserve(n).copyMemory(from: from, byteCount: n)
        _count += n
    }

    @inlinable
    public mutating func append(_ byte: UInt8) {
        reserve(1).storeBytes(of: byte, as: UInt8.self)
        _count += 1
    }

    @inlinable
    public mutating func removeLast() {
        precondition(_count > 0, "removeLast from an empty arena")
        // Nothing is written: a shared buffer stays shared.
        _count -= 1
    }

    @inlinable
    public mutating func removeLast(_ n: Int) {
        precondition(n >= 0 && n <= _count, "removeLast past the start of the arena")
        _count -= n
    }

    /// Lends the bytes from `start` on for rewriting in place (made its own first).
    @inlinable
    public mutating func withUnsafeMutableBytes<R>(from start: Int,
                                                   _ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        precondition(start >= 0 && start <= _count, "arena offset out of range")
        let base = reserve(0)
        return try withExtendedLifetime(storage) {
            try body(UnsafeMutableRawBufferPointer(start: base - (_count - start), count: _count - start))
        }
    }

    /// Empties it; its buffer is kept when no one else holds it.
    public mutating func removeAll(keepingCapacity: Bool = true) {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(capacity: storage.capacity) }
        _count = 0
    }

    @usableFromInline
    mutating func _reallocate(minimumCapacity: Int) {
        if isKnownUniquelyReferenced(&storage) {
            (storage.base, storage.capacity) = _ArenaMemory.reallocate(storage.base, capacity: storage.capacity,
                                                                       count: _count, minimum: minimumCapacity)
        } else {
            var capacity = Swift.max(storage.capacity, 256)
            while capacity < minimumCapacity { capacity *= 2 }
            let fresh = Storage(capacity: capacity)
            fresh.base.copyMemory(from: storage.base, byteCount: _count)
            storage = fresh
        }
    }
}

/// The one buffer every `_ArenaBytes.empty` shares; being shared, it is never written.
private let _emptyStorage = _ArenaBytes.Storage(capacity: 0)
