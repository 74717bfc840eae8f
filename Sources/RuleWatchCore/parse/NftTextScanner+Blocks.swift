// MARK: - Tables, chains and the blocks between them

extension NftTextScanner {
    /// Between tables: only a `table` line starts one.
    mutating func outsideLine<R: TableReceiver>(_ text: ByteSlice, line: Int, into receiver: inout R) throws -> FeedResult {
        guard let first = text.byte(at: 0) else { return .consumed }
        if first == UInt8(ascii: "t"), text.hasPrefix("table ") { return openTable(text, line: line) }
        if first == ASCII.hash { return NftTextScanner.commentResult(text) }
        return .notMine
    }

    /// `table FAMILY NAME {`, maybe with `# handle N` or `# progname x` after the brace.
    mutating func openTable(_ text: ByteSlice, line: Int) -> FeedResult {
        guard let brace = text.firstIndex(of: ASCII.openBrace) else {
            return level > 0 ? .invalid("expected '{' after the table name") : .notMine
        }
        let words = text.slice(6, brace).fields()
        let family: Family
        let name: ByteSlice
        if words.count == 2, let f = Family(keyword: words[0]) {
            family = f
            name = words[1]
        } else if words.count == 1 {
            family = .ip  // nft's default family
            name = words[0]
        } else {
            return level > 0 ? .invalid("expected 'table FAMILY NAME {'") : .notMine
        }
        level = 1
        table.family = family
        table.name = NftTextScanner.unquoted(name).string
        table.format = .nft
        table.source = source
        table.firstLine = line
        return .consumed
    }

    /// A line of a table's body: a chain, a block to skip, a table attribute, the end.
    mutating func tableLine<R: TableReceiver>(_ text: ByteSlice, line: Int, into receiver: inout R) throws -> FeedResult {
        guard let first = text.byte(at: 0) else { return .consumed }
        switch first {
        case ASCII.closeBrace:
            try emit(truncated: false, into: &receiver)
            return .consumed
        case UInt8(ascii: "c") where text.hasPrefix("chain "):
            return openChain(text, line: line)
        case UInt8(ascii: "t") where text.hasPrefix("table "):
            try emit(truncated: true, into: &receiver)
            return openTable(text, line: line)
        case ASCII.hash:
            return NftTextScanner.commentResult(text)
        case UInt8(ascii: "c") where text.hasPrefix("counter "):
            if let result = try openCounterObject(text, line: line, into: &receiver) { return result }
        default:
            break
        }
        let depth = NftTextScanner.braceDelta(text)
        if depth > 0 {
            skipDepth = depth
            return .consumed
        }
        if depth == 0 && (text.firstIndex(of: ASCII.openBrace) != nil || text.hasPrefix("flags ")
                          || text.hasPrefix("comment ")) {
            return .consumed
        }
        if NftTextScanner.startsOtherDump(text) { return .notMine }
        return .invalid("unexpected line in table \(table.name)")
    }

    /// `chain NAME {`, maybe with `# handle N`.
    mutating func openChain(_ text: ByteSlice, line: Int) -> FeedResult {
        var end = 6
        while end < text.count, !ASCII.isBlank(text[end]), text[end] != ASCII.openBrace { end += 1 }
        let name = NftTextScanner.unquoted(text.slice(6, end))
        guard !name.isEmpty else { return .invalid("chain without a name") }
        table.chainCount += 1
        // `chain X { }` on one line opens and closes it.
        if NftTextScanner.braceDelta(text) > 0 { level = 2 }
        chainHasRules = false
        position = 0
        if wantsRules {
            chain = table.rules.store(name)
            table.rules.appendChain(_ChainRecord(name: chain, line: Int32(truncatingIfNeeded: line)))
        }
        return .consumed
    }

    /// `type filter hook input priority 0; policy accept;`
    mutating func baseChain(_ text: ByteSlice) {
        guard wantsRules else { return }
        table.setLastChain(hook: text.firstRange(of: " hook ").map { NftTextScanner.word(in: text, from: $0 + 6) },
                           policy: text.firstRange(of: "policy ").map { NftTextScanner.word(in: text, from: $0 + 7) })
    }

    /// A line inside a skipped block; its braces say when the block ends.
    mutating func skipLine<R: TableReceiver>(_ text: ByteSlice, line: Int, into receiver: inout R) throws -> FeedResult {
        if NftTextScanner.cutsIn(text) { return .notMine }
        skipDepth += NftTextScanner.braceDelta(text)
        if skipDepth < 0 {
            // More closed than the block opened: the table's own brace closed with it.
            skipDepth = 0
            try emit(truncated: false, into: &receiver)
        }
        return .consumed
    }

    /// Hands the table on and readies for the next.
    mutating func emit<R: TableReceiver>(truncated: Bool, into receiver: inout R) throws {
        table.truncated = truncated
        level = 0
        skipDepth = 0
        ruleDepth = 0
        counterDepth = 0
        bindings.removeAll(keepingCapacity: true)
        chain = .empty
        position = 0
        defer { table.reset() }
        try receiver.receive(&table)
    }
}
