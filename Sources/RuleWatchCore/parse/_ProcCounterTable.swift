/// One protocol's counters from `/proc/net/snmp` or `/proc/net/netstat`, where each protocol
/// has a line of names and then a line of values, both starting with its prefix:
///
/// ```
/// Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails ...
/// Tcp: 1 200 120000 -1 5120 88 31 ...
/// ```
///
/// Negative values (`MaxConn -1`) are not counters and read as absent.
struct _ProcCounterTable {
    private var names: [String] = []
    private var values: [UInt64?] = []

    init(_ bytes: [UInt8], prefix: StaticString) {
        bytes.withUnsafeBytes { raw in
            let all = ByteSlice(raw)
            var start = 0
            var header: [ByteSlice]?
            while start < all.count {
                let end = all.firstIndex(of: ASCII.newline, from: start) ?? all.count
                let line = all.slice(start, end)
                start = end + 1
                guard line.hasPrefix(prefix) else { continue }
                let fields = Array(line.fields().dropFirst())
                if let h = header {
                    names = h.map(\.string)
                    values = fields.map(\.decimal)
                    return
                }
                header = fields
            }
        }
    }

    subscript(_ name: String) -> UInt64? {
        guard let i = names.firstIndex(of: name), i < values.count else { return nil }
        return values[i]
    }
}
