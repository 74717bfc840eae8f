/// Hands out chain names as `String`s, the same ones again where a table repeats.
///
/// A cron capture lists the same thousands of chains in every snapshot (kube-proxy: 12,000
/// a node). Allocating each name anew, and freeing it again with the table, cost a tenth of
/// storing rules; comparing with the name at the same place in the last table that began
/// with the same chain costs a `memcmp`.
struct _ChainNames {
    private var byFirstChain: [String: [String]] = [:]
    private var previous: [String] = []
    private var current: [String] = []

    /// The name of the table's next chain.
    mutating func next(_ bytes: ByteSlice) -> String {
        let k = current.count
        let name: String
        if k > 0, k < previous.count, Self.same(previous[k], bytes) {
            name = previous[k]
        } else {
            name = bytes.string
            if k == 0 { previous = byFirstChain[name] ?? [] }
        }
        current.append(name)
        return name
    }

    /// The table is over: its names serve the next table that begins as it did.
    mutating func endTable() {
        if let first = current.first { byFirstChain[first] = current }
        current = []
        previous = []
    }

    private static func same(_ name: String, _ bytes: ByteSlice) -> Bool {
        name.utf8.withContiguousStorageIfAvailable { ByteSlice(UnsafeRawBufferPointer($0)) == bytes } ?? false
    }
}
