import Glibc

/// A `ParsedTable`'s chains, boxed so that the array's buffer outlives the table.
///
/// A kube node's table declares 12,000 chains: an array of them grows to 1.6 MB, copied into
/// fresh memory at each doubling, a page fault per 4 KiB; in a parse of its save that was
/// two thirds of the page faults that storing rules took. The scanners reuse a table from
/// table to table, so this is paid once per parse; but a table dies with its parse, and the
/// next parse in the process (a node collecting every minute, a benchmark) paid it again.
/// When the last table holding a box goes, its emptied array waits for the next table to be
/// given chains, as the arena's mappings do (`_ArenaMemory`). Copy on write: a table copied by a sink
/// keeps its chains while the scanner's own copy is emptied and refilled.
@usableFromInline
final class _ChainList: @unchecked Sendable {
    @exclusivity(unchecked) @usableFromInline var array: [ChainInfo]

    @usableFromInline
    init() { array = [] }

    /// Makes room before the first chain, from a kept array when one waits: only tables
    /// that get chains take one.
    @usableFromInline
    func prepare() {
        if array.capacity == 0 { array = _KeptChainArrays.shared.take() }
    }

    @usableFromInline
    init(copying array: [ChainInfo]) { self.array = array }

    deinit { _KeptChainArrays.shared.put(&array) }
}

/// Emptied chain arrays that grew big, kept for the next table (at most `limit`).
private final class _KeptChainArrays: @unchecked Sendable {
    static let shared = _KeptChainArrays()
    /// Tables in flight at once: the scanner's and those handed to another thread.
    static let limit = 4
    /// Smaller arrays are cheap to grow again.
    static let worthKeeping = 1024

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var kept: [[ChainInfo]] = []

    private init() { pthread_mutex_init(mutex, nil) }

    func take() -> [ChainInfo] {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return kept.popLast() ?? []
    }

    func put(_ array: inout [ChainInfo]) {
        guard array.capacity >= Self.worthKeeping else { return }
        // Its chains' names are let go here, outside the lock.
        array.removeAll(keepingCapacity: true)
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if kept.count < Self.limit { kept.append(array) }
    }
}
