import Glibc

extension ListingScanner {
    /// Counts a rule read from `line` and, in rules mode, stores it.
    mutating func accept(_ r: _ListingRuleLine, line: Line) {
        let b = line.bytes.base
        position += 1
        table.count(packets: r.packets, bytes: r.bytes)
        if !familyKnown {
            looksIPv6 = Self.showsIPv6(b, r)
            familyKnown = looksIPv6 || Self.showsIPv4(b, r)
        }
        let open = Self.openComment(b, from: r.match.lowerBound, to: r.match.upperBound)
        if let open {
            commentOpen = true
            commentLength = r.match.upperBound - open
        }
        guard wantsRules else { return }
        store(r, line: line, openComment: open)
    }

    /// Stores a rule read from `line`: apart from `accept`, so the counting path stays as
    /// small as it was for the optimizer.
    @inline(never)
    private mutating func store(_ r: _ListingRuleLine, line: Line, openComment open: Int?) {
        let b = line.bytes.base
        var matchRange = r.match
        if open != nil {
            // Blanks before the newline are the comment's own: keep all but a CRLF's CR.
            var end = b.count
            if end > 0, b[end - 1] == ASCII.carriageReturn { end -= 1 }
            matchRange = r.match.lowerBound..<end
        }
        // The columns are disjoint pieces of the line and at most seven blanks join them: one
        // reservation holds the whole rule, with slack for the last piece's 16-byte copy.
        let position = position
        let chainName = chainName
        let hasInterfaces = layout.hasInterfaces
        let record = table.rules.write(reserving: r.target.count + b.count + 8 + 16) { w -> _RuleRecord in
            func store(_ f: Range<Int>) -> ArenaRange {
                w.store(ByteSlice(UnsafeRawBufferPointer(rebasing: b[f])), readable: b.count - f.lowerBound)
            }
            func field(_ f: Range<Int>) -> ArenaRange {
                w.write(byte: ASCII.space)
                return store(f)
            }
            let target = store(r.target)
            let textStart = w.mark
            let proto = store(r.proto)
            let opt = r.opt.isEmpty ? ArenaRange(start: w.mark, end: w.mark) : field(r.opt)
            var inInterface = ArenaRange(start: w.mark, end: w.mark)
            var outInterface = inInterface
            if hasInterfaces {
                inInterface = field(r.inInterface)
                outInterface = field(r.outInterface)
            }
            let source = field(r.source)
            let destination = field(r.destination)
            let match = matchRange.isEmpty ? ArenaRange(start: w.mark, end: w.mark) : field(matchRange)
            return _RuleRecord(
                chain: chainName, target: target, text: ArenaRange(start: textStart, end: w.mark),
                columns: ListingColumns(proto: proto, opt: opt, inInterface: inInterface, outInterface: outInterface,
                                        source: source, destination: destination, match: match),
                packets: r.packets, bytes: r.bytes, position: position, line: Int32(truncatingIfNeeded: line.number))
        }
        if open != nil { pending = record } else { table.rules.append(record) }
    }

    /// Takes `line` as more of an open comment (xtables prints a comment's newlines raw).
    ///
    /// - Returns: `false` when the line cannot be one (the comment would grow past what
    ///   xtables stores): the rule is closed as it stands and the line read afresh.
    mutating func continueComment(_ line: Line) -> Bool {
        let b = line.bytes.base
        var n = b.count
        let close = Self.commentEnd(b, from: 0, to: n)
        let reach = close.map { $0 + 2 } ?? n
        guard commentLength + 1 + reach <= Self.longestComment else {
            closeComment()
            return false
        }
        let reopened = close.flatMap { Self.openComment(b, from: $0 + 2, to: n) }
        if close == nil || reopened != nil {
            // Still open: keep the line as it is, but for the CR of a CRLF file.
            if n > 0, b[n - 1] == ASCII.carriageReturn { n -= 1 }
            commentLength = reopened.map { n - $0 } ?? commentLength + 1 + n
        } else {
            while n > 0, ASCII.isBlank(b[n - 1]) { n -= 1 }
            commentOpen = false
        }
        if wantsRules, var record = pending {
            table.rules.write(byte: ASCII.newline)
            table.rules.write(ByteSlice(UnsafeRawBufferPointer(rebasing: b[0..<n])))
            record.text.end = table.rules.mark
            record.columns?.match.end = table.rules.mark
            pending = record
            if !commentOpen { closeComment() }
        }
        return true
    }

    /// Ends the open rule where its text stands.
    mutating func closeComment() {
        commentOpen = false
        commentLength = 0
        if let record = pending {
            table.rules.append(record)
            pending = nil
        }
    }

    /// `XT_MAX_COMMENT_LEN` less its NUL, plus the `/* ` and ` */` around it.
    static let longestComment = 255 + 6

    /// Where a `/* ` that no `*/` closes starts in `b[from..<to]`, if one does.
    ///
    /// xt_comment prints ` /* TEXT */`, so only a `/* ` at a field's start opens one: a
    /// `/*` inside, say, a LOG prefix does not.
    static func openComment(_ b: UnsafeRawBufferPointer, from: Int, to: Int) -> Int? {
        guard let base = b.baseAddress else { return nil }
        var i = from
        while i < to, let hit = memchr(base + i, Int32(ASCII.slash), to - i) {
            let s = UnsafeRawPointer(hit) - base
            // At the very end the space may have been trimmed as trailing (a comment that
            // begins with a newline).
            guard s + 1 < to, b[s + 1] == ASCII.star, s + 2 == to || b[s + 2] == ASCII.space,
                  s == from || b[s - 1] == ASCII.space else {
                i = s + 1
                continue
            }
            guard let e = commentEnd(b, from: s + 2, to: to) else { return s }
            i = e + 2
        }
        return nil
    }

    /// Where the next `*/` starts in `b[from..<to]`.
    static func commentEnd(_ b: UnsafeRawBufferPointer, from: Int, to: Int) -> Int? {
        guard let base = b.baseAddress else { return nil }
        var i = from
        while i < to, let hit = memchr(base + i, Int32(ASCII.star), to - i) {
            let s = UnsafeRawPointer(hit) - base
            if s + 1 < to, b[s + 1] == ASCII.slash { return s }
            i = s + 1
        }
        return nil
    }

    /// An IPv4 address in the address columns (`0.0.0.0/0`, `10.96.0.10`): no ip6tables
    /// listing prints one, so the table's family is known and its other rules need no look.
    static func showsIPv4(_ b: UnsafeRawBufferPointer, _ r: _ListingRuleLine) -> Bool {
        func ipv4(_ f: Range<Int>) -> Bool {
            guard f.count >= 7, ASCII.isDigit(b[f.lowerBound]), let base = b.baseAddress else { return false }
            return memchr(base + f.lowerBound, Int32(ASCII.dot), f.count) != nil
        }
        return ipv4(r.source) || ipv4(r.destination)
    }

    /// An IPv6 address (in the address columns or anywhere in the match text: a DNAT's
    /// `to:[fd00::1]:80`, a comment), ip6tables' ICMP protocol (`ipv6-icmp`, `icmpv6`, 58)
    /// or its ICMPv6 match, or the blank `opt` of old ip6tables. Without `-n` every address
    /// may show as `anywhere`: then only these tell an ip6tables listing.
    static func showsIPv6(_ b: UnsafeRawBufferPointer, _ r: _ListingRuleLine) -> Bool {
        if r.opt.isEmpty { return true }
        // Source and destination are neighbours: one memchr over both (the blanks between
        // hold no colon).
        if let base = b.baseAddress, r.destination.upperBound > r.source.lowerBound,
           memchr(base + r.source.lowerBound, Int32(ASCII.colon), r.destination.upperBound - r.source.lowerBound) != nil {
            return true
        }
        if r.proto.count == 6 || r.proto.count == 9 || r.proto.count == 2 {
            let proto = ByteSlice(UnsafeRawBufferPointer(rebasing: b[r.proto]))
            if proto == "icmpv6" || proto == "ipv6-icmp" || proto == "58" { return true }
        }
        guard !r.match.isEmpty else { return false }
        let match = ByteSlice(UnsafeRawBufferPointer(rebasing: b[r.match]))
        guard match.firstIndex(of: ASCII.colon) != nil || match.firstIndex(of: UInt8(ascii: "6")) != nil else { return false }
        // `::` is in every IPv6 address iptables prints but a full one, and in no port,
        // time or MAC match; `ipv6-icmp`/`ipv6-icmptype`/`icmpv6` are ip6tables' ICMP matches.
        return match.firstRange(of: "::") != nil || match.firstRange(of: "ipv6-icmp") != nil
            || match.firstRange(of: "icmpv6") != nil
    }
}
