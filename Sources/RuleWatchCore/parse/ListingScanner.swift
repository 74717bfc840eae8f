/// Reads `iptables -L -v` / `ip6tables -L -v` listings, with or without `-n`, `-x` and
/// `--line-numbers`.
///
///     Chain INPUT (policy ACCEPT 233 packets, 75208 bytes)      <- a chain, its policy counters
///      pkts bytes target     prot opt in     out     source    destination
///      445K  146M KUBE-FW    all  --  *      *       0.0.0.0/0 0.0.0.0/0   /* a comment */
///                                                                          <- blank: skipped
///     Chain KUBE-FW (1 references)                               <- a user chain
///
/// A listing names no table. The table is inferred from the built-in chains it shows (see
/// `ListingScanner+Tables.swift`), and a new one begins where a built-in chain comes again or
/// follows user chains, since iptables lists a table's built-in chains first. Each table is
/// handed on whole when the next begins or the section ends.
struct ListingScanner: SectionScanner {
    let options: ParseOptions
    let wantsRules: Bool
    let source: String

    /// The table being read; its buffers are reused from table to table.
    var table = ParsedTable()
    var layout = _ListingLayout.verbose
    /// The column header line `layout` was read from.
    var lastHeader = _RememberedLine()
    /// Bit `i` set: built-in chain `i` of `ChainInfo.builtinIndex` was listed in this table.
    var builtins: UInt8 = 0
    var lastBuiltin = -1
    var sawUserChain = false
    var looksIPv6 = false
    /// A rule showed an IPv4 or an IPv6 address (or ICMPv6): the table's family is settled.
    var familyKnown = false
    /// A table of this listing already looked IPv6, or its `# Warning:` header names
    /// ip6tables: the tables after it are ip6 too.
    var listingIsIPv6 = false

    var inChain = false
    /// The current chain had its column header line (a chain without one was cut off).
    var chainHasHeader = false
    var chainName = ArenaRange.empty
    var position: Int32 = 0

    /// A rule whose `/* comment */` is still open: the next lines continue it.
    var commentOpen = false
    /// Comment bytes read so far; xtables keeps at most 255, so a longer run is no comment.
    var commentLength = 0
    /// The open rule, held back until its text is whole (rules mode only).
    var pending: _RuleRecord?

    init(options: ParseOptions, wantsRules: Bool, source: String) {
        self.options = options
        self.wantsRules = wantsRules
        self.source = source
    }

    mutating func feed<R: TableReceiver>(_ line: Line, into receiver: inout R) throws -> FeedResult {
        let result = try read(line, into: &receiver)
        if line.atEndWithoutNewline, result != .notMine {
            // The capture was cut off mid-write.
            table.truncated = true
        }
        return result
    }

    mutating func finish<R: TableReceiver>(into receiver: inout R) throws {
        // A listing has no end marker: only a comment left open or a chain without its
        // column header line shows that the capture stopped inside it.
        if commentOpen || (inChain && !chainHasHeader) { table.truncated = true }
        try emitTable(into: &receiver)
        layout = .verbose
        listingIsIPv6 = false
    }

    // MARK: - Lines

    private mutating func read<R: TableReceiver>(_ line: Line, into receiver: inout R) throws -> FeedResult {
        let b = line.bytes.base
        if commentOpen, continueComment(line) { return .consumed }
        let n = b.count
        let i = _ListingRuleLine.firstNonBlank(b, from: 0, to: n)
        if i == n { return .consumed }
        let c = b[i]
        if ASCII.isDigit(c) { return rule(line) }
        let rest = line.bytes.dropFirst(i)
        switch c {
        case UInt8(ascii: "C") where rest.hasPrefix("Chain "):
            return try chain(line, name: i + 6, into: &receiver)
        case ASCII.hash where rest.hasPrefix("# Warning:"):
            // Each command's output begins with it: whatever came before was another table.
            // `# Warning: ip6tables-legacy tables present, use ip6tables-legacy to see them`
            // says whose output follows.
            try emitTable(into: &receiver)
            listingIsIPv6 = rest.firstRange(of: "ip6tables") != nil
            return .consumed
        case UInt8(ascii: "n"), UInt8(ascii: "p"), UInt8(ascii: "t"):
            // Every chain repeats the same column header: compare it to the last one read
            // before reading its words again.
            if lastHeader.matches(rest) {
                chainHasHeader = true
                return .consumed
            }
            if let header = _ListingLayout(header: rest) {
                layout = header
                lastHeader.remember(rest)
                chainHasHeader = true
                return .consumed
            }
        case UInt8(ascii: "Z") where rest.hasPrefix("Zeroing chain "):
            // `iptables -L -v -Z` says so before each chain.
            return .consumed
        default:
            break
        }
        if inChain, !layout.hasCounters, !layout.hasNumbers {
            // Without counters a rule starts with its target: take only what has an `opt`.
            var probe = _ListingRuleLine()
            if case .rule = _ListingRuleLine.read(b, layout: layout, needsOpt: true, into: &probe) { return rule(line) }
        }
        if inChain, line.atEndWithoutNewline, Self.mayStartListingLine(c) {
            // `Cha`, ` pkts bytes tar`: the capture stopped mid-line.
            return .invalid("cut-off line")
        }
        if inChain, line.bytes.firstIndex(of: 0) != nil { return .invalid("NUL bytes in a rule line") }
        return .notMine
    }

    /// The first bytes of a chain header, column header or `Zeroing` line.
    private static func mayStartListingLine(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "C"), UInt8(ascii: "n"), UInt8(ascii: "p"), UInt8(ascii: "t"), UInt8(ascii: "Z"):
            return true
        default:
            return false
        }
    }

    private mutating func rule(_ line: Line) -> FeedResult {
        let b = line.bytes.base
        var r = _ListingRuleLine()
        switch _ListingRuleLine.read(b, layout: layout, into: &r) {
        case .notARule:
            if inChain, line.atEndWithoutNewline { return .invalid("cut-off rule line") }
            if inChain, line.bytes.firstIndex(of: 0) != nil { return .invalid("NUL bytes in a rule line") }
            return .notMine
        case .invalid(let why):
            return .invalid(line.atEndWithoutNewline ? "cut-off rule line" : why)
        case .rule:
            guard inChain else { return .invalid("rule line before any chain header") }
            accept(r, line: line)
            return .consumed
        }
    }

    // MARK: - Tables

    /// Hands on the table read so far, if it has a chain, and starts afresh.
    mutating func emitTable<R: TableReceiver>(into receiver: inout R) throws {
        if commentOpen { closeComment() }
        if table.chainCount > 0 {
            table.name = options.table ?? Self.tableName(builtins: builtins)
            if looksIPv6 { listingIsIPv6 = true }
            // What the listing shows first; `--family` only when it shows nothing either way.
            table.family = looksIPv6 || listingIsIPv6 ? .ip6 : options.family ?? .ip
            table.format = .listing
            table.source = source
            try receiver.receive(&table)
        }
        table.reset()
        builtins = 0
        lastBuiltin = -1
        sawUserChain = false
        looksIPv6 = false
        familyKnown = false
        inChain = false
        chainHasHeader = false
        position = 0
    }
}
