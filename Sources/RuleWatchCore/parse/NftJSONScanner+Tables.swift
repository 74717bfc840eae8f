import Glibc

// Objects into tables: which table an object belongs to, what it adds, and handing tables on.

extension NftJSONScanner {
    /// A body closed: account its object to its table, beginning a new table if it names
    /// another one.
    mutating func endObject<R: TableReceiver>(into receiver: inout R) throws {
        let kind = itemKind
        let counts = kind == .table || kind == .chain || kind == .rule || kind == .counter
        if objectFamilyUnknown {
            if counts { note("nft JSON \(kind) with an unknown family, skipped") }
            return
        }
        let nameField: _JSONFields = kind == .table ? .name : .table
        if let family = objectFamily, objectHas.contains(nameField) {
            let same = tableOpen && family == tableFamily
                && (kind == .table ? objectName == tableKey : objectTableIsCurrent)
            if !same {
                if tableOpen { try emitTable(into: &receiver) }
                beginTable(family, named: kind == .table ? objectName : objectTableIsCurrent ? tableKey : objectTable)
            }
        } else if counts {
            // Without a table of its own it goes with the one in progress, if any.
            guard tableOpen, kind != .table else {
                return note("nft JSON \(kind) names no family and table, skipped")
            }
        } else {
            return
        }
        switch kind {
        case .chain:
            table.chainCount += 1
            if wantsRules {
                let policy = objectHas.contains(.policy) ? objectPolicy : []
                let hook = objectHas.contains(.hook) ? objectHook : []
                objectName.withUnsafeBytes { name in
                    policy.withUnsafeBytes { policy in
                        hook.withUnsafeBytes { hook in
                            table.declareChain(name: ByteSlice(name), policy: ByteSlice(policy), hook: ByteSlice(hook),
                                               line: itemLine)
                        }
                    }
                }
            }
        case .rule:
            try endRule()
        case .counter:
            endCounterObject()
        default:
            break
        }
    }

    mutating func beginTable(_ family: Family, named name: [UInt8]) {
        tableOpen = true
        tableFamily = family
        tableKey.removeAll(keepingCapacity: true)
        tableKey.append(contentsOf: name)
        table.family = family
        table.name = String(decoding: name, as: UTF8.self)
        table.format = .nftJSON
        table.source = source
        table.firstLine = itemLine
    }

    mutating func endRule() throws {
        let packets: Counter? = ruleCounted ? .exact(rulePackets) : nil
        table.count(packets: packets, bytes: ruleCounted ? .exact(ruleBytes) : nil)
        guard wantsRules else {
            for body in bindingBodies { readBinding(body, name: []) }
            return
        }
        // Arena offsets are 32-bit.
        guard Int(table.rules.mark) < Int(Int32.max) - 4 * Self.maxRuleText else {
            return note("table too large: rules past 2 GiB of text are counted, not kept")
        }
        let chain: ArenaRange
        let position: Int32
        if lastPosition > 0 && arenaHolds(objectChain.slice, at: lastChain) {
            chain = lastChain
            position = lastPosition + 1
        } else {
            // Rules come chain by chain; a chain met again goes on from where it stopped.
            // Chains are told by a hash of their names, no String made: a clash is caught
            // by comparing the names.
            if lastPosition > 0 { positions[lastChainHash] = (lastChain, lastPosition) }
            let hash = StableHasher.hash(objectChain.bytes)
            let earlier = positions[hash]
            position = (earlier.map { arenaHolds(objectChain.slice, at: $0.name) ? $0.position : 0 } ?? 0) + 1
            chain = table.rules.store(objectChain.slice)
            lastChainHash = hash
        }
        lastChain = chain
        lastPosition = position
        let text = table.rules.store(ruleText.slice)
        var name: [UInt8] = []
        if !bindingBodies.isEmpty {
            // The anonymous chain is named by where it is bound: `CHAIN{EXPR}`.
            name = Array(objectChain.bytes) + [ASCII.openBrace] + Array(ruleText.bytes) + [ASCII.closeBrace]
            Self.copy(name, name.count, to: ruleTarget)
        }
        let target = table.rules.store(ruleTarget.slice)
        if _KernelBindings.isKernelName(objectChain.slice) || _KernelBindings.isKernelName(ruleTarget.slice) { kernelBindings = true }
        table.rules.append(_RuleRecord(chain: chain, target: target, text: text, packets: packets,
                                       bytes: ruleCounted ? .exact(ruleBytes) : nil,
                                       position: position, line: Int32(truncatingIfNeeded: itemLine), handle: ruleHandle))
        for body in bindingBodies { readBinding(body, name: name) }
    }

    /// `{"counter": {"family": ..., "table": ..., "name": "c1", "packets": 12, "bytes": 1433}}`:
    /// a named counter object, kept apart from the rules.
    mutating func endCounterObject() {
        table.countObject(packets: rulePackets, bytes: ruleBytes)
        guard wantsRules else { return }
        var text = Array("counter ".utf8)
        text.append(contentsOf: objectName)
        let stored = store(text)
        table.rules.append(_RuleRecord(chain: .empty, target: .empty, text: stored,
                                       packets: counterSeen ? .exact(rulePackets) : nil,
                                       bytes: counterSeen ? .exact(ruleBytes) : nil,
                                       position: 0, line: Int32(truncatingIfNeeded: itemLine), isObject: true))
    }

    /// The rules of a chain binding, which nft prints as nft text in a string: read by the
    /// text scanner, they join the table as rules of the chain `name`, each rule's text
    /// the statement as a JSON string in an array (`["ip saddr 10.0.0.1 counter accept"]`),
    /// its counter's values taken out as in the text format.
    mutating func readBinding(_ body: [UInt8], name: [UInt8]) {
        var sub = NftTextScanner(options: ParseOptions(), wantsRules: wantsRules, source: source)
        sub.level = 2
        sub.chainHasRules = true
        if wantsRules { sub.chain = name.withUnsafeBytes { sub.table.rules.store(ByteSlice($0)) } }
        var dropped = _NoTables()
        body.withUnsafeBytes { raw in
            var start = 0
            for i in 0...raw.count where i == raw.count || raw[i] == ASCII.newline {
                let piece = ByteSlice(UnsafeRawBufferPointer(rebasing: raw[start..<i]))
                start = i + 1
                _ = try? sub.feed(Line(bytes: piece, number: itemLine), into: &dropped)
            }
        }
        if sub.ruleDepth > 0 {
            sub.ruleDepth = 0
            sub.finishRule()
        }
        let inner = sub.table
        table.chainCount += 1 + inner.chainCount
        table.ruleCount += inner.ruleCount
        table.countedCount += inner.countedCount
        table.printedPackets &+= inner.printedPackets
        table.printedBytes &+= inner.printedBytes
        guard wantsRules else { return }
        name.withUnsafeBytes { table.declareChain(name: ByteSlice($0), line: itemLine) }
        inner.forEachChain { c in
            table.declareChain(name: c.name, policy: c.policy, hook: c.hook, line: itemLine)
        }
        var text: [UInt8] = []
        inner.rules.forEach { r in
            text.removeAll(keepingCapacity: true)
            text.append(contentsOf: "[\"".utf8)
            for b in r.text.base {
                if b == ASCII.quote || b == ASCII.backslash { text.append(ASCII.backslash) }
                if b < 0x20 { text.append(ASCII.space); continue }
                text.append(b)
            }
            text.append(contentsOf: "\"]".utf8)
            let chain = table.rules.store(r.chain)
            let target = table.rules.store(r.target)
            let stored = store(text)
            table.rules.append(_RuleRecord(chain: chain, target: target, text: stored, packets: r.packets, bytes: r.bytes,
                                           position: Int32(r.position), line: Int32(truncatingIfNeeded: itemLine)))
        }
    }

    mutating func store(_ bytes: [UInt8]) -> ArenaRange {
        bytes.withUnsafeBytes { table.rules.store(ByteSlice($0)) }
    }

    /// The arena's bytes at `range` are `bytes`.
    func arenaHolds(_ bytes: ByteSlice, at range: ArenaRange) -> Bool {
        let count = Int(range.end - range.start)
        guard count == bytes.count else { return false }
        if count == 0 { return true }
        return table.rules.bytes.withUnsafeBytes { arena in
            memcmp(arena.baseAddress! + Int(range.start), bytes.base.baseAddress!, count) == 0
        }
    }

    mutating func emitTable<R: TableReceiver>(into receiver: inout R) throws {
        if kernelBindings {
            _KernelBindings.rename(&table)
            kernelBindings = false
        }
        try receiver.receive(&table)
        tablesEmitted += 1
        table.reset()
        tableOpen = false
        positions.removeAll(keepingCapacity: true)
        lastChain = .empty
        lastChainHash = 0
        lastPosition = 0
    }
}
