import Glibc

// MARK: - Rule lines

extension SaveScanner {
    /// `[p:b] -A CHAIN ...` or `-A CHAIN ...`.
    mutating func ruleLine<R: TableReceiver>(_ bytes: ByteSlice, line: Int, into receiver: inout R) throws -> FeedResult {
        let n = bytes.count
        var i = 0
        var packets: Counter?
        var byteCount: Counter?
        if bytes[0] == ASCII.openBracket {
            i = 1
            guard let p = bytes.readDecimal(&i), bytes.byte(at: i) == ASCII.colon else {
                return reject("expected [packets:bytes] before -A")
            }
            i += 1
            guard let b = bytes.readDecimal(&i), bytes.byte(at: i) == ASCII.closeBracket else {
                return reject("expected [packets:bytes] before -A")
            }
            i += 1
            while i < n, ASCII.isBlank(bytes[i]) { i += 1 }
            packets = .exact(p)
            byteCount = .exact(b)
        }
        guard bytes.byte(at: i) == ASCII.dash, bytes.byte(at: i + 1) == UInt8(ascii: "A"),
              bytes.byte(at: i + 2) == ASCII.space else {
            return reject("expected -A CHAIN")
        }
        let chainStart = i + 3
        // The name ends at a space, but never past the line's content: a space found only in
        // trailing blanks (after NULs, say) would point beyond what is stored.
        let contentEnd = SaveScanner.contentEnd(bytes, keepingSpaces: false)
        let chainEnd = Swift.min(bytes.firstIndex(of: ASCII.space, from: chainStart) ?? contentEnd, contentEnd)
        guard chainEnd > chainStart else { return reject("-A without a chain name") }
        if !inTable { beginTable(name: nil, line: line) }
        if headerFamily == nil && addressFamily == nil { settleFamily(bytes, from: chainEnd) }

        let open = SaveScanner.quoteOpen(bytes, from: chainEnd, inQuote: false)
        var textStart: Int32 = 0
        var chain = ArenaRange.empty
        if wantsRules {
            textStart = table.rules.mark
            table.rules.write(bytes.slice(i, SaveScanner.contentEnd(bytes, keepingSpaces: open)))
            chain = ArenaRange(start: textStart + 3, end: textStart + Int32(chainEnd - i))
        }
        if open {
            if wantsRules { table.rules.write(byte: ASCII.newline) }
            continuation = Continuation(packets: packets, bytes: byteCount, line: line, textStart: textStart, chain: chain)
        } else {
            finishRule(packets: packets, bytes: byteCount, line: line, textStart: textStart, chain: chain)
        }
        return .consumed
    }

    /// Outside a table a line that does not read is someone else's.
    private func reject(_ why: String) -> FeedResult { inTable ? .invalid(why) : .notMine }

    /// A line after a rule whose quote was open; `nil` when the line is not part of it
    /// (the quote was never closed) and must be read as a line of its own.
    mutating func continueRule<R: TableReceiver>(_ bytes: ByteSlice, line: Int, into receiver: inout R) throws -> FeedResult? {
        let text = bytes.trimmed
        if SaveScanner.looksLikeSaveLine(text) || (!text.isEmpty && _SectionStart.looksLikeOtherSection(text)) {
            try receiver.warn(line: continuation!.line, "quoted string not closed at the end of the rule")
            closeContinuation()
            return nil
        }
        let open = SaveScanner.quoteOpen(bytes, from: 0, inQuote: true)
        if wantsRules {
            table.rules.write(bytes.slice(0, SaveScanner.contentEnd(bytes, keepingSpaces: open)))
            if open { table.rules.write(byte: ASCII.newline) }
        }
        if !open {
            let c = continuation!
            continuation = nil
            finishRule(packets: c.packets, bytes: c.bytes, line: c.line, textStart: c.textStart, chain: c.chain)
        }
        return .consumed
    }

    /// Ends a rule whose quote never closed, keeping what it had.
    mutating func closeContinuation() {
        guard let c = continuation else { return }
        continuation = nil
        if wantsRules, table.rules.bytes.last == ASCII.newline { table.rules.bytes.removeLast() }
        finishRule(packets: c.packets, bytes: c.bytes, line: c.line, textStart: c.textStart, chain: c.chain)
    }

    mutating func finishRule(packets: Counter?, bytes: Counter?, line: Int, textStart: Int32, chain: ArenaRange) {
        table.count(packets: packets, bytes: bytes)
        guard wantsRules else { return }
        let text = ArenaRange(start: textStart, end: table.rules.mark)
        let position = nextPosition(in: chain)
        table.rules.append(_RuleRecord(chain: chain, target: .inSaveText, text: text, packets: packets, bytes: bytes,
                                       position: position, line: Int32(truncatingIfNeeded: line)))
    }

    /// The 1-based position of a rule in `chain`. iptables-save keeps a chain's rules
    /// together, in the order the chains were declared: a new chain is looked for among the
    /// next declared (`_DeclaredChains`), and only a chain met out of that order turns the
    /// table over to `_ChainPositions`.
    mutating func nextPosition(in chain: ArenaRange) -> Int32 {
        let started = currentChain.end > currentChain.start
        if started, sameBytes(currentChain, chain) {
            currentPosition += 1
            return currentPosition
        }
        if inDeclaredOrder {
            if started { leftInOrder.append(NumberedChain(name: currentChain, position: currentPosition)) }
            let found = table.rules.withChainRecords { raw, chains in declared.advance(to: chain, in: raw, chains: chains) }
            if found != nil {
                currentChain = chain
                currentPosition = 1
                return 1
            }
            numberByName()
        } else if currentSlot >= 0 {
            positions[currentSlot] = currentPosition
        }
        currentChain = chain
        currentSlot = table.rules.bytes.withUnsafeBytes { positions.slot(for: chain, in: $0) }
        currentPosition = positions[currentSlot] + 1
        return currentPosition
    }

    /// Out of the declared order: the chains numbered so far go to `positions`, which
    /// numbers every chain from here to the end of the table.
    private mutating func numberByName() {
        inDeclaredOrder = false
        positions.reserve(Swift.max(table.chainCount, leftInOrder.count))
        table.rules.bytes.withUnsafeBytes { raw in
            for left in leftInOrder { positions[positions.slot(for: left.name, in: raw)] = left.position }
        }
        leftInOrder.removeAll(keepingCapacity: true)
    }

    private func sameBytes(_ a: ArenaRange, _ b: ArenaRange) -> Bool {
        let n = Int(a.end - a.start)
        guard n == Int(b.end - b.start) else { return false }
        let raw = table.rules.bytes.heldBytes
        return memcmp(raw.baseAddress! + Int(a.start), raw.baseAddress! + Int(b.start), n) == 0
    }

    /// Settles the table's family from the rule's `-s`/`-d` address, which iptables-save
    /// prints right after the chain name.
    mutating func settleFamily(_ bytes: ByteSlice, from: Int) {
        var i = from + 1
        if bytes.byte(at: i) == UInt8(ascii: "!") { i += 2 }
        guard bytes.byte(at: i) == ASCII.dash, bytes.byte(at: i + 2) == ASCII.space,
              bytes.byte(at: i + 1) == UInt8(ascii: "s") || bytes.byte(at: i + 1) == UInt8(ascii: "d") else { return }
        let start = i + 3
        let end = bytes.firstIndex(of: ASCII.space, from: start) ?? bytes.count
        guard end > start else { return }
        addressFamily = bytes.slice(start, end).firstIndex(of: ASCII.colon) != nil ? .ip6 : .ip
    }
}

// MARK: - Byte helpers

extension SaveScanner {
    /// Whether a quote is open after `bytes[from...]`, given whether one was open before.
    /// Inside quotes iptables-save escapes `"` and `\` with a backslash.
    static func quoteOpen(_ bytes: ByteSlice, from: Int, inQuote: Bool) -> Bool {
        var quoted = inQuote
        var i = from
        while let hit = bytes.firstIndex(of: ASCII.quote, from: i) {
            if quoted {
                var backslashes = 0
                var k = hit - 1
                while k >= 0, bytes[k] == ASCII.backslash { backslashes += 1; k -= 1 }
                if backslashes & 1 == 1 { i = hit + 1; continue }
            }
            quoted.toggle()
            i = hit + 1
        }
        return quoted
    }

    /// The end of a line without its trailing CR and NULs, and without trailing spaces
    /// and tabs unless they are inside an open quote.
    static func contentEnd(_ bytes: ByteSlice, keepingSpaces: Bool) -> Int {
        var end = bytes.count
        while end > 0 {
            let c = bytes[end - 1]
            if c == ASCII.carriageReturn || c == 0 || (!keepingSpaces && (c == ASCII.space || c == ASCII.tab)) {
                end -= 1
            } else {
                break
            }
        }
        return end
    }
}
