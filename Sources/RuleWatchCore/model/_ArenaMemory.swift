import Glibc

/// Where a `RuleArena`'s two buffers (`_ArenaBytes`, `_RecordBuffer`) get their memory.
///
/// Storing a kube node's 33,000 rules writes about 10 MB; fresh memory costs a page fault
/// per 4 KiB on first touch, and `perf` put half of storing rules in the kernel. Two things
/// made it: a buffer grown with `realloc` from glibc's heap is copied into fresh memory at
/// each doubling (glibc serves megabytes from its heap once it has freed a mapping of that
/// size), and a table's buffers freed after its parse are handed back to the system, so the
/// next parse faults them in again. So a buffer from `mappedFrom` up is a mapping of its
/// own, grown with `mremap`, which moves page tables instead of bytes; and a freed mapping
/// waits here for the next buffer to outgrow the heap, whose pages are already there.
/// At most `keptMappings` wait, none above `largestKept`: memory already used once, never
/// more than a parse held.
enum _ArenaMemory {
    /// Buffers from this size up are mappings of their own; smaller ones come from malloc.
    static let mappedFrom = 256 << 10
    /// Freed mappings kept for reuse: a table's two buffers and the save scanner's chain
    /// positions, and a second table's (two tables are in flight when the parser hands
    /// tables to another thread).
    static let keptMappings = 6
    /// A bigger freed mapping goes back to the system: one huge dump read once must not
    /// hold its memory for the rest of a long-lived process.
    static let largestKept = 64 << 20

    /// A buffer of at least `capacity` bytes.
    ///
    /// - Returns: its start, and its true capacity (a mapping's is rounded up to pages, or is
    ///   that of a kept mapping).
    static func allocate(_ capacity: Int) -> (UnsafeMutableRawPointer, Int) {
        if capacity < mappedFrom { return (malloc(Swift.max(capacity, 1))!, capacity) }
        if let kept = _KeptMappings.shared.take(atLeast: capacity) { return kept }
        let size = pageRounded(capacity)
        return (map(size), size)
    }

    /// Grows a buffer whose first `count` bytes are in use to at least `minimum` bytes.
    static func reallocate(_ base: UnsafeMutableRawPointer, capacity: Int, count: Int,
                           minimum: Int) -> (UnsafeMutableRawPointer, Int) {
        var wanted = Swift.max(capacity, 256)
        while wanted < minimum { wanted *= 2 }
        if wanted < mappedFrom { return (realloc(base, wanted)!, wanted) }
        if capacity < mappedFrom {
            // Out of the heap: into a mapping, one that was used before if one waits.
            let (fresh, size) = allocate(wanted)
            if count > 0 { fresh.copyMemory(from: base, byteCount: count) }
            free(base)
            return (fresh, size)
        }
        let size = pageRounded(wanted)
        guard let moved = _mremap(base, capacity, size, 1 /* MREMAP_MAYMOVE */),
              moved != UnsafeMutableRawPointer(bitPattern: -1) else {
            fatalError("out of memory: mremap to \(size) bytes failed")
        }
        return (moved, size)
    }

    /// Frees a buffer `allocate` or `reallocate` gave.
    static func release(_ base: UnsafeMutableRawPointer, capacity: Int) {
        if capacity < mappedFrom {
            free(base)
        } else {
            _KeptMappings.shared.put(base, capacity)
        }
    }

    static func pageRounded(_ n: Int) -> Int { (n + 4095) & ~4095 }

    static func map(_ size: Int) -> UnsafeMutableRawPointer {
        let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let mapped, mapped != MAP_FAILED else { fatalError("out of memory: mmap of \(size) bytes failed") }
        return mapped
    }

    static func unmap(_ base: UnsafeMutableRawPointer, _ size: Int) { munmap(base, size) }
}

/// `mremap(2)`: variadic in C (and declared only with `_GNU_SOURCE`), so not imported; the
/// fourth argument is never read without `MREMAP_FIXED`.
private let _mremap: @convention(c) (UnsafeMutableRawPointer?, Int, Int, Int32) -> UnsafeMutableRawPointer? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mremap") else {
        fatalError("mremap not found")
    }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutableRawPointer?, Int, Int, Int32) -> UnsafeMutableRawPointer?).self)
}()

/// The freed mappings `_ArenaMemory` keeps, shared by every thread.
private final class _KeptMappings: @unchecked Sendable {
    static let shared = _KeptMappings()

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var kept: [(base: UnsafeMutableRawPointer, size: Int)] = []

    private init() {
        pthread_mutex_init(mutex, nil)
        kept.reserveCapacity(_ArenaMemory.keptMappings + 1)
    }

    /// The largest kept mapping, when one holds `capacity` bytes.
    func take(atLeast capacity: Int) -> (UnsafeMutableRawPointer, Int)? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard let k = kept.indices.max(by: { kept[$0].size < kept[$1].size }), kept[k].size >= capacity else {
            return nil
        }
        let m = kept.remove(at: k)
        return (m.base, m.size)
    }

    /// Keeps a freed mapping; past `keptMappings`, the smallest goes back to the system.
    func put(_ base: UnsafeMutableRawPointer, _ size: Int) {
        guard size <= _ArenaMemory.largestKept else {
            _ArenaMemory.unmap(base, size)
            return
        }
        pthread_mutex_lock(mutex)
        kept.append((base, size))
        var dropped: (base: UnsafeMutableRawPointer, size: Int)?
        if kept.count > _ArenaMemory.keptMappings,
           let k = kept.indices.min(by: { kept[$0].size < kept[$1].size }) {
            dropped = kept.remove(at: k)
        }
        pthread_mutex_unlock(mutex)
        if let dropped { _ArenaMemory.unmap(dropped.base, dropped.size) }
    }
}
