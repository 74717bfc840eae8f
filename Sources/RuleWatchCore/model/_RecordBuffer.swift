import Glibc

/// A `RuleArena`'s records (`_RuleRecord`, `_ChainRecord`): an array whose memory comes from
/// `_ArenaMemory`.
///
/// A kube node's nat table holds 30,000 records; grown as an `Array`, each doubling copies
/// them into fresh memory, which costs a page fault per 4 KiB: twice the table's size in
/// faults on the first snapshot. `_ArenaMemory` moves a big buffer's pages instead. A value type over a copy-on-write buffer, like the bytes (`_ArenaBytes`);
/// records hold no references, so moving their bytes moves them.
@usableFromInline
struct _RecordBuffer<Record: BitwiseCopyable>: @unchecked Sendable {
    @usableFromInline
    final class Storage: @unchecked Sendable {
        @exclusivity(unchecked) @usableFromInline var base: UnsafeMutablePointer<Record>
        @exclusivity(unchecked) @usableFromInline var capacity: Int
        /// The memory's own size, which need not be a whole number of records.
        @exclusivity(unchecked) @usableFromInline var bytes: Int

        @usableFromInline
        init(capacity: Int) {
            let raw: UnsafeMutableRawPointer
            (raw, bytes) = _ArenaMemory.allocate(capacity * MemoryLayout<Record>.stride)
            self.capacity = bytes / MemoryLayout<Record>.stride
            base = raw.bindMemory(to: Record.self, capacity: self.capacity)
        }

        deinit { _ArenaMemory.release(UnsafeMutableRawPointer(base), capacity: bytes) }
    }

    @usableFromInline var storage = Storage(capacity: 0)
    @usableFromInline var count = 0

    @usableFromInline init() {}

    @inlinable @inline(__always)
    mutating func append(_ record: Record) {
        if _slowPath(!isKnownUniquelyReferenced(&storage) || count == storage.capacity) { grow() }
        (storage.base + count).initialize(to: record)
        count += 1
    }

    /// Lends the records appended so far.
    @inlinable
    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Record>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(UnsafeBufferPointer(start: storage.base, count: count)) }
    }

    /// Lends the records appended so far, to change in place.
    mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Record>) throws -> R) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) { copyToFresh(capacity: storage.capacity) }
        return try body(UnsafeMutableBufferPointer(start: storage.base, count: count))
    }

    /// Empties it; its buffer is kept when no one else holds it.
    @usableFromInline
    mutating func removeAll() {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(capacity: storage.capacity) }
        count = 0
    }

    @usableFromInline
    mutating func grow() {
        let capacity = Swift.max(storage.capacity * 2, 64)
        let stride = MemoryLayout<Record>.stride
        if isKnownUniquelyReferenced(&storage) {
            let (raw, bytes) = _ArenaMemory.reallocate(UnsafeMutableRawPointer(storage.base), capacity: storage.bytes,
                                                       count: count * stride, minimum: capacity * stride)
            storage.bytes = bytes
            storage.capacity = bytes / stride
            storage.base = raw.bindMemory(to: Record.self, capacity: storage.capacity)
        } else {
            copyToFresh(capacity: capacity)
        }
    }

    /// Moves to a buffer of its own, the records copied: another value holds this one.
    private mutating func copyToFresh(capacity: Int) {
        let fresh = Storage(capacity: capacity)
        fresh.base.initialize(from: storage.base, count: count)
        storage = fresh
    }
}
