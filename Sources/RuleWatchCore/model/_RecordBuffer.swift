import Glibc

/// A `RuleArena`'s records: an array of `_RuleRecord` that grows with `realloc`.
///
/// A kube node's nat table holds 30,000 records of 160 bytes; grown as an `Array`, each
/// doubling copies them into fresh memory, which costs a page fault per 4 KiB: twice the
/// table's size in faults on the first snapshot. `realloc` moves a big buffer's pages
/// instead. A value type over a copy-on-write buffer, like the bytes (`_ArenaBytes`);
/// records hold no references, so moving their bytes moves them.
@usableFromInline
struct _RecordBuffer: Sendable {
    @usableFromInline
    final class Storage: @unchecked Sendable {
        @exclusivity(unchecked) @usableFromInline var base: UnsafeMutablePointer<_RuleRecord>
        @exclusivity(unchecked) @usableFromInline var capacity: Int

        @usableFromInline
        init(capacity: Int) {
            self.capacity = capacity
            base = malloc(Swift.max(capacity, 1) * MemoryLayout<_RuleRecord>.stride)!.assumingMemoryBound(to: _RuleRecord.self)
        }

        deinit { free(base) }
    }

    @usableFromInline var storage = Storage(capacity: 0)
    @usableFromInline var count = 0

    @usableFromInline init() {}

    @inlinable @inline(__always)
    mutating func append(_ record: _RuleRecord) {
        if _slowPath(!isKnownUniquelyReferenced(&storage) || count == storage.capacity) { grow() }
        (storage.base + count).initialize(to: record)
        count += 1
    }

    /// Lends the records appended so far.
    @inlinable
    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<_RuleRecord>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(UnsafeBufferPointer(start: storage.base, count: count)) }
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
        let bytes = capacity * MemoryLayout<_RuleRecord>.stride
        if isKnownUniquelyReferenced(&storage) {
            storage.base = realloc(storage.base, bytes)!.assumingMemoryBound(to: _RuleRecord.self)
            storage.capacity = capacity
        } else {
            let fresh = Storage(capacity: capacity)
            fresh.base.initialize(from: storage.base, count: count)
            storage = fresh
        }
    }
}
