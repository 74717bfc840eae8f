// MARK: - Anonymous chains, named counter objects and verdict maps

extension NftTextScanner {
    /// A rule line that ends by opening an anonymous chain: `... jump {` or `... goto {`.
    /// Its rules follow one a line, up to a `}` of their own (`} # handle N` with `-a`).
    static func opensBinding(_ text: ByteSlice) -> Bool {
        text.hasSuffix(" jump {") || text.hasSuffix(" goto {") || text == "jump {" || text == "goto {"
    }

    /// The binding rule is complete: count it, and read the lines that follow as the rules
    /// of an anonymous chain named by where it is bound (`OUTER{RULE}`, the binding rule's
    /// text without its counter's values). Names nft gives such chains in the kernel
    /// (`__chain0`) change on every load; this one stays while the rule that binds it does,
    /// so its rules keep their series.
    mutating func openBinding(line: Int) {
        table.chainCount += 1
        guard wantsRules else {
            finishRule()
            bindings.append(Binding(chain: .empty, position: 0))
            position = 0
            chainHasRules = true
            return
        }
        // The text so far ends with ` {`: it is stored as `... jump {}`.
        let open = table.rules.mark
        table.rules.write(byte: ASCII.closeBrace)
        let textEnd = table.rules.mark
        let name = NftTextScanner.bindingName(&table.rules, outer: chain,
                                              rule: ArenaRange(start: pending.textStart, end: open - 2))
        finishRule(target: name, textEnd: textEnd)
        bindings.append(Binding(chain: chain, position: position))
        chain = name
        position = 0
        chainHasRules = true
        table.rules.appendChain(_ChainRecord(name: name, line: Int32(truncatingIfNeeded: line)))
    }

    /// Stores `OUTER{RULE}` in the arena.
    static func bindingName(_ arena: inout RuleArena, outer: ArenaRange, rule: ArenaRange) -> ArenaRange {
        var name: [UInt8] = []
        arena.bytes.withUnsafeBytes { raw in
            name.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[Int(outer.start)..<Int(outer.end)]))
            name.append(ASCII.openBrace)
            if rule.end > rule.start {
                name.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[Int(rule.start)..<Int(rule.end)]))
            }
            name.append(ASCII.closeBrace)
        }
        return name.withUnsafeBytes { arena.store(ByteSlice($0)) }
    }

    /// `counter NAME {` at table level: a named counter object, whose `packets N bytes M`
    /// are counts of its own. `nil` when the line is no such block.
    mutating func openCounterObject<R: TableReceiver>(_ text: ByteSlice, line: Int,
                                                      into receiver: inout R) throws -> FeedResult? {
        guard let brace = text.firstIndex(of: ASCII.openBrace) else { return nil }
        let name = NftTextScanner.unquoted(text.slice(8, brace).trimmed)
        guard !name.isEmpty, name.firstIndex(of: ASCII.space) == nil else { return nil }
        counterObject = CounterObject(line: line)
        if wantsRules {
            let start = table.rules.mark
            table.rules.write(ByteSlice("counter "))
            table.rules.write(name)
            counterObject.name = ArenaRange(start: start, end: table.rules.mark)
        }
        readCounterValues(text.dropFirst(brace + 1))
        let depth = NftTextScanner.braceDelta(text)
        if depth <= 0 {
            finishCounterObject()
            if depth < 0 { try emit(truncated: false, into: &receiver) }
            return .consumed
        }
        counterDepth = depth
        return .consumed
    }

    /// A line of a counter object's block: `packets 13 bytes 1462`, a comment, the end.
    mutating func counterObjectLine<R: TableReceiver>(_ text: ByteSlice, line: Int,
                                                      into receiver: inout R) throws -> FeedResult {
        if NftTextScanner.cutsIn(text) {
            counterDepth = 0
            return .notMine
        }
        readCounterValues(text)
        counterDepth += NftTextScanner.braceDelta(text)
        if counterDepth <= 0 {
            let tableClosed = counterDepth < 0
            counterDepth = 0
            finishCounterObject()
            if tableClosed { try emit(truncated: false, into: &receiver) }
        }
        return .consumed
    }

    mutating func readCounterValues(_ text: ByteSlice) {
        guard counterObject.packets == nil, let at = text.firstRange(of: "packets ") else { return }
        guard at == 0 || ASCII.isBlank(text[at - 1]) || text[at - 1] == ASCII.openBrace else { return }
        var i = at + 8
        guard let packets = text.readDecimal(&i), text.dropFirst(i).hasPrefix(" bytes ") else { return }
        i += 7
        guard let bytes = text.readDecimal(&i) else { return }
        counterObject.packets = packets
        counterObject.bytes = bytes
    }

    mutating func finishCounterObject() {
        let o = counterObject
        table.countObject(packets: o.packets ?? 0, bytes: o.bytes)
        guard wantsRules else { return }
        table.rules.append(_RuleRecord(chain: .empty, target: .empty, text: o.name,
                                       packets: o.packets.map { .exact($0) }, bytes: o.packets.map { _ in .exact(o.bytes) },
                                       position: 0, line: Int32(truncatingIfNeeded: o.line), isObject: true))
    }

    /// A rule that ends in a verdict map, `vmap { 80 : accept, 443 : drop }` or `vmap @m`:
    /// its target says so, `vmap {accept, drop}` (the verdicts the map holds) or `vmap @m`.
    mutating func vmapTarget(_ text: ArenaRange) -> ArenaRange? {
        let name: [UInt8]? = table.rules.bytes.withUnsafeBytes { raw in
            _NftVerdictMaps.vmap(in: ByteSlice(UnsafeRawBufferPointer(rebasing: raw[Int(text.start)..<Int(text.end)])))
        }
        guard let name else { return nil }
        return name.withUnsafeBytes { table.rules.store(ByteSlice($0)) }
    }
}
