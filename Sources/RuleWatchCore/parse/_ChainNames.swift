import Glibc

/// Hands out chain names as `String`s, the same ones again where a table repeats.
///
/// A cron capture lists the same thousands of chains in every snapshot (kube-proxy: 12,000
/// a node). Allocating each name anew, and freeing it again with the table, cost a tenth of
/// storing rules; comparing with the name at the same place in the last table that began
/// with the same chain costs a `memcmp`. The last tables' names are kept for the whole
/// process (`_KeptChainNames`), so a process that parses the node again (a collector every
/// minute, a benchmark) finds them too.
struct _ChainNames {
    private var previous: [String] = []
    /// The table's names, once they differ from `previous`; until then only their count:
    /// a table that repeats the last one (every snapshot of a cron capture) builds no array,
    /// and so takes and lets go of no second reference per name.
    private var current: [String] = []
    private var matched = 0
    private var diverged = false

    /// The name of the table's next chain.
    mutating func next(_ bytes: ByteSlice) -> String {
        let k = diverged ? current.count : matched
        if k == 0, let kept = _KeptChainNames.shared.names(beginningWith: bytes) { previous = kept }
        if !diverged {
            if k < previous.count, Self.same(previous[k], bytes) {
                matched += 1
                return previous[k]
            }
            diverged = true
            current = Array(previous[0..<k])
        }
        let name = k < previous.count && Self.same(previous[k], bytes) ? previous[k] : bytes.string
        current.append(name)
        return name
    }

    /// The table is over: its names serve the next table that begins as it did.
    mutating func endTable() {
        if diverged {
            if !current.isEmpty { _KeptChainNames.shared.keep(current) }
        } else if matched > 0, matched < previous.count {
            // A table that ended early: what it named is kept, not what it did not get to.
            _KeptChainNames.shared.keep(Array(previous[0..<matched]))
        }
        // A table equal to `previous` leaves it kept as it is.
        current = []
        previous = []
        matched = 0
        diverged = false
    }

    static func same(_ name: String, _ bytes: ByteSlice) -> Bool {
        name.utf8.withContiguousStorageIfAvailable { ByteSlice(UnsafeRawBufferPointer($0)) == bytes } ?? false
    }
}

/// The chain names of the last tables read, by their first chain, for every scanner of the
/// process; at most `limit` tables' worth.
private final class _KeptChainNames: @unchecked Sendable {
    static let shared = _KeptChainNames()
    static let limit = 16

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var byFirstChain: [String: [String]] = [:]

    private init() { pthread_mutex_init(mutex, nil) }

    func names(beginningWith first: ByteSlice) -> [String]? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        // Few tables: a look at each first name beats making a String to look up.
        for (key, names) in byFirstChain where _ChainNames.same(key, first) { return names }
        return nil
    }

    func keep(_ names: [String]) {
        pthread_mutex_lock(mutex)
        var dropped: [String]?
        if byFirstChain[names[0]] == nil, byFirstChain.count >= Self.limit {
            dropped = byFirstChain.removeValue(forKey: byFirstChain.keys.first!)
        }
        byFirstChain[names[0]] = names
        pthread_mutex_unlock(mutex)
        // Names let go outside the lock.
        _ = dropped
    }
}
