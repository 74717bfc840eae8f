/// Which columns a listing's rule lines carry, read from its column header line.
///
///     num   pkts bytes target     prot opt in     out     source               destination
///
/// `--line-numbers` adds `num`; `-v` adds the counters and `in`/`out`. The other columns
/// are always there, though `target` may be blank on a rule and `opt` blank in old ip6tables.
struct _ListingLayout: Equatable {
    var hasNumbers = false
    var hasCounters = true
    var hasInterfaces = true

    /// `iptables -L -v`, the layout assumed until a header says otherwise.
    static let verbose = _ListingLayout()

    init() {}

    /// Reads a column header line; `nil` if it is not one.
    init?(header line: ByteSlice) {
        var sawProto = false
        var sawTarget = false
        hasCounters = false
        hasInterfaces = false
        var first = true
        for field in line.blankSeparated {
            if field == "num" {
                guard first else { return nil }
                hasNumbers = true
            } else if field == "pkts" || field == "bytes" {
                hasCounters = true
            } else if field == "target" {
                sawTarget = true
            } else if field == "prot" {
                sawProto = true
            } else if field == "in" || field == "out" {
                hasInterfaces = true
            } else if !(field == "opt" || field == "source" || field == "destination") {
                return nil
            }
            first = false
        }
        guard sawProto, sawTarget else { return nil }
    }
}
