import Glibc

// MARK: - Chain bodies and rules

extension NftTextScanner {
    /// A line of a chain's body: its `type` line, a rule, the end.
    mutating func chainLine<R: TableReceiver>(_ text: ByteSlice, line: Int, into receiver: inout R) throws -> FeedResult {
        guard let first = text.byte(at: 0) else { return .consumed }
        if first &- UInt8(ascii: "a") < 26 {
            if !chainHasRules {
                if text.hasPrefix("type ") || text.hasPrefix("policy ") {
                    baseChain(text)
                    return .consumed
                }
                if text.hasPrefix("comment ") || text.hasPrefix("flags ") || text.hasPrefix("devices ") {
                    return .consumed
                }
            }
            if first == UInt8(ascii: "t"), text.hasPrefix("table ") {
                try emit(truncated: true, into: &receiver)
                return openTable(text, line: line)
            }
            if first == UInt8(ascii: "c"), text.hasPrefix("chain ") {
                level = 1
                _ = openChain(text, line: line)
                return .invalid("chain not closed before the next one")
            }
            return ruleLine(text, line: line)
        }
        switch first {
        case ASCII.closeBrace:
            if let outer = bindings.popLast() {
                // The end of an anonymous chain: back to the chain that bound it.
                chain = outer.chain
                position = outer.position
                return .consumed
            }
            level = 1
            return .consumed
        case ASCII.hash:
            return NftTextScanner.commentResult(text)
        default:
            if NftTextScanner.startsOtherDump(text) { return .notMine }
            return ruleLine(text, line: line)  // e.g. a raw payload match, `@th,16,16 22`
        }
    }

    mutating func ruleLine(_ text: ByteSlice, line: Int) -> FeedResult {
        chainHasRules = true
        let counter = NftTextScanner.anonymousCounter(in: text)
        pending = Pending(packets: counter.map { .exact($0.packets) }, bytes: counter.map { .exact($0.bytes) },
                          line: line, textStart: table.rules.mark)
        if wantsRules, !storePlainStatement(text, counter: counter) { writeStatement(text, counter: counter) }
        if text.firstIndex(of: ASCII.openBrace) != nil {
            let depth = NftTextScanner.braceDelta(text)
            if depth == 1, NftTextScanner.opensBinding(text) {
                openBinding(line: line)
                return .consumed
            }
            if depth > 0 {
                ruleDepth = depth
                return .consumed
            }
        }
        finishRule()
        return .consumed
    }

    /// A line of a rule whose anonymous set is still open.
    mutating func continueRule<R: TableReceiver>(_ text: ByteSlice, line: Int, into receiver: inout R) throws -> FeedResult {
        if NftTextScanner.cutsIn(text) { return .notMine }
        if text.isEmpty { return .consumed }
        let counter = NftTextScanner.anonymousCounter(in: text)
        if pending.packets == nil, let counter {
            pending.packets = .exact(counter.packets)
            pending.bytes = .exact(counter.bytes)
        }
        if wantsRules {
            table.rules.write(byte: ASCII.space)
            writeStatement(text, counter: counter)
        }
        ruleDepth += NftTextScanner.braceDelta(text)
        if ruleDepth == 1, NftTextScanner.opensBinding(text) {
            ruleDepth = 0
            openBinding(line: line)
            return .consumed
        }
        if ruleDepth <= 0 {
            ruleDepth = 0
            finishRule()
        }
        return .consumed
    }

    mutating func finishRule(target bound: ArenaRange? = nil, textEnd: Int32? = nil) {
        table.count(packets: pending.packets, bytes: pending.bytes)
        guard wantsRules else { return }
        position += 1
        let text = ArenaRange(start: pending.textStart, end: textEnd ?? table.rules.mark)
        let target = bound ?? verdict(of: text)
        table.rules.append(_RuleRecord(chain: chain, target: target, text: text, packets: pending.packets,
                                       bytes: pending.bytes, position: position,
                                       line: Int32(truncatingIfNeeded: pending.line), handle: pending.handle))
    }

    /// A rule's verdict: left in its text, to be found when someone asks (`ArenaRange.inNftText`),
    /// but for a rule with a verdict map and no verdict of its own, whose target is written apart.
    mutating func verdict(of text: ArenaRange) -> ArenaRange {
        let found = table.rules.bytes.withUnsafeBytes { raw -> ArenaRange? in
            guard ByteSlice(raw).slice(Int(text.start), Int(text.end)).firstRange(of: "vmap ") != nil else { return nil }
            return NftRuleVerdict.find(in: raw, text)
        }
        guard let found else { return .inNftText }
        return found.start == found.end ? vmapTarget(text) ?? found : found
    }

    /// Writes the statement as `DumpFormat.nft` reads: the anonymous counter's values and
    /// the `# handle N` comment taken out, runs of blanks outside quotes made one space.
    mutating func writeStatement(_ text: ByteSlice, counter: AnonymousCounter?) {
        let end = NftTextScanner.endWithoutHandle(text)
        if end < text.count { pending.handle = NftTextScanner.handle(in: text) }
        if let counter, counter.valuesEnd <= end {
            writeCollapsed(text.slice(0, counter.valuesStart))
            writeCollapsed(text.slice(counter.valuesEnd, end))
        } else {
            writeCollapsed(text.slice(0, end))
        }
    }

    private mutating func writeCollapsed(_ s: ByteSlice) {
        let n = s.count
        var start = 0
        if s.firstIndex(of: ASCII.tab) == nil && s.firstIndex(of: ASCII.quote) == nil {
            // Spaces only: jump from space to space looking for a second one.
            var from = 0
            while let j = s.firstIndex(of: ASCII.space, from: from) {
                from = j + 1
                guard from < n, s[from] == ASCII.space else { continue }
                table.rules.write(s.slice(start, from))
                while from < n, s[from] == ASCII.space { from += 1 }
                start = from
            }
            table.rules.write(s.slice(start, n))
            return
        }
        var i = 0
        var quoted = false
        while i < n {
            let c = s[i]
            if c == ASCII.quote {
                quoted.toggle()
            } else if !quoted, ASCII.isBlank(c), c != ASCII.space || (i + 1 < n && ASCII.isBlank(s[i + 1])) {
                table.rules.write(s.slice(start, i))
                table.rules.write(byte: ASCII.space)
                while i < n, ASCII.isBlank(s[i]) { i += 1 }
                start = i
                continue
            }
            i += 1
        }
        table.rules.write(s.slice(start, n))
    }
}

// MARK: - Counters

extension NftTextScanner {
    /// `counter packets N bytes M` in a rule; `valuesStart..<valuesEnd` is ` packets N bytes M`.
    struct AnonymousCounter {
        var packets: UInt64
        var bytes: UInt64
        var valuesStart: Int
        var valuesEnd: Int
    }

    /// Finds the anonymous counter by the `k` of `packets`, a rare letter in rules
    /// (named counters read `counter name "x"` and do not match).
    static func anonymousCounter(in text: ByteSlice) -> AnonymousCounter? {
        let needle: StaticString = "counter packets "
        var from = 11
        while let k = text.firstIndex(of: UInt8(ascii: "k"), from: from) {
            from = k + 1
            guard k + 5 <= text.count,
                  memcmp(text.base.baseAddress! + (k - 11), needle.utf8Start, 16) == 0 else { continue }
            var i = k + 5
            guard let packets = text.readDecimal(&i), text.dropFirst(i).hasPrefix(" bytes ") else { continue }
            i += 7
            guard let bytes = text.readDecimal(&i) else { continue }
            return AnonymousCounter(packets: packets, bytes: bytes, valuesStart: k - 4, valuesEnd: i)
        }
        return nil
    }

    /// The N of a trailing `# handle N` (`endWithoutHandle` found one); 0 when it does not fit 32 bits.
    static func handle(in text: ByteSlice) -> UInt32 {
        var j = text.count
        while j > 0, ASCII.isDigit(text[j - 1]) { j -= 1 }
        var n: UInt64 = 0
        for k in j..<text.count {
            n = n &* 10 &+ UInt64(text[k] &- ASCII.zero)
            if n > UInt64(UInt32.max) { return 0 }
        }
        return UInt32(n)
    }

    /// The end of a statement without a trailing `# handle N`.
    static func endWithoutHandle(_ text: ByteSlice) -> Int {
        var j = text.count
        while j > 0, ASCII.isDigit(text[j - 1]) { j -= 1 }
        guard j < text.count, j >= 9, text.slice(j - 9, j) == "# handle " else { return text.count }
        var k = j - 9
        while k > 0, ASCII.isBlank(text[k - 1]) { k -= 1 }
        return k
    }
}
