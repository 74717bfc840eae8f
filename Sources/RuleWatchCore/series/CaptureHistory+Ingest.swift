import Glibc

/// The hot path: a table's rules to samples, without allocating or hashing per rule.
extension CaptureHistory {
    /// - Parameter keepingBytes: the caller takes the table's rule bytes for `previousOrder`
    ///   (`take(_:)`) instead of their being copied; ingest leaves that order's buffer empty
    ///   for the swap.
    @discardableResult
    mutating func ingest(_ t: ParsedTable, keepingBytes: Bool = false) -> Int {
        let tableIndex = internTable(family: t.family, name: t.name, format: t.format)
        current!.tables.append(tableIndex)
        let snapshot = Int32(snapshots.count)
        let seed = tableSeeds[tableIndex]
        // Out of `self` while it grows, so appending never copies it.
        var chunk = pending
        pending = _SampleChunk()
        if chunk.capacity < chunk.count + t.rules.count {
            chunk.reserveCapacity(2 * (chunk.count + t.rules.count))
        }

        var previous = previousOrder[tableIndex]
        previousOrder[tableIndex] = TableOrder()
        // The first snapshot's rules are all new: room for them at once, where growing a rule
        // at a time would copy the arrays a dozen times (later snapshots add a few). Twice the
        // table, for the smaller tables that follow the big one: memory reserved but never
        // written costs nothing, a copy to grow costs a page fault per 4 KiB.
        let most = rules.count + t.rules.count + t.rules.chainCount
        if snapshot == 0, rules.capacity < most {
            let room = rules.count + 2 * (t.rules.count + t.rules.chainCount)
            rules.reserveCapacity(room)
            lastSeen.reserveCapacity(room)
            orderSlot.reserveCapacity(room)
            ruleIndex.reserve(most)
        }

        // The entries are built beside the last snapshot's, in the buffers of the one before.
        var next = spareOrders[tableIndex]
        spareOrders[tableIndex] = TableOrder()
        next.removeAll()
        ingestChains(t, table: tableIndex, seed: seed, snapshot: snapshot, previous: previous, next: &next, into: &chunk)

        let format = t.format
        let family = t.family
        next.entries.reserveCapacity(t.rules.count)
        var cursor = 0
        var lastChain = ArenaRange(start: -1, end: -1)
        var lastChainName = ByteSlice.empty
        var chainKey: UInt64 = 0
        var i = 0
        previous.bytes.withUnsafeBytes { before in
            previous.entries.withUnsafeBufferPointer { shown in
                t.rules.withRecords { raw, records in
                    let n = records.count
                    while i < n {
                        // The common case: the same rule, printed the same way, in the same place
                        // as in the last snapshot. A run of them touches only these buffers.
                        lastSeen.withUnsafeMutableBufferPointer { seen in
                            orderSlot.withUnsafeMutableBufferPointer { slots in
                                while i < n {
                                    let chainRange = records[i].chain
                                    if chainRange != lastChain {
                                        let name = Self.slice(raw, chainRange)
                                        if lastChain.start < 0 || !(name == lastChainName) {
                                            chainKey = StableHasher.hash(name.base, seed: seed)
                                        }
                                        lastChain = chainRange
                                        lastChainName = name
                                    }
                                    guard cursor < shown.count else { return }
                                    let e = shown[cursor]
                                    guard e.chainKey == chainKey, Self.samePrint(raw, records[i], before, e),
                                          seen[Int(e.rule)] != snapshot else { return }
                                    cursor += 1
                                    seen[Int(e.rule)] = snapshot
                                    slots[Int(e.rule)] = Int32(truncatingIfNeeded: next.entries.count)
                                    next.entries.append(TableOrder.Entry(chainKey: chainKey, key: e.key, rule: e.rule,
                                                                         target: records[i].target, text: records[i].text))
                                    chunk.append(rule: e.rule, packets: records[i].packets, bytes: records[i].bytes)
                                    i += 1
                                }
                            }
                        }
                        if i == n { break }
                        // Changed, moved, new or gone: its identity says which.
                        let r = RuleView(record: records.baseAddress! + i, raw: raw)
                        let base = normalizer.key(of: r, format: format, family: family, seed: seed)
                        let rule: Int32
                        if cursor < shown.count, shown[cursor].key == base, lastSeen[Int(shown[cursor].rule)] != snapshot {
                            rule = shown[cursor].rule
                            cursor += 1
                        } else {
                            rule = lookUp(base, r, tableIndex: tableIndex, chainKey: chainKey, format: format,
                                          snapshot: snapshot, seed: seed)
                            let slot = Int(orderSlot[Int(rule)])
                            if slot >= 0, slot < shown.count, shown[slot].rule == rule { cursor = slot + 1 }
                        }
                        lastSeen[Int(rule)] = snapshot
                        orderSlot[Int(rule)] = Int32(truncatingIfNeeded: next.entries.count)
                        next.entries.append(TableOrder.Entry(chainKey: chainKey, key: base, rule: rule,
                                                             target: records[i].target, text: records[i].text))
                        chunk.append(rule: rule, packets: records[i].packets, bytes: records[i].bytes)
                        i += 1
                    }
                    if format == .nft || format == .nftJSON { noteHandles(records, next.entries) }
                }
            }
        }
        // A borrowed table's rule bytes are copied, not kept: kept, they would make the
        // scanner start a fresh buffer for every table, and fresh memory costs a page fault
        // per 4 KiB where a copy costs a `memcpy`. One buffer per table: it is read above,
        // then overwritten. A taken table trades its buffer for this one (`take(_:)`).
        swap(&next.bytes, &previous.bytes)
        next.bytes.removeAll()
        if !keepingBytes { t.rules.bytes.withUnsafeBytes { next.bytes.append(contentsOf: $0) } }
        previousOrder[tableIndex] = next
        previous.removeAll()
        spareOrders[tableIndex] = previous
        pending = chunk
        return tableIndex
    }

    /// Ingests a table handed over whole (`parseConcurrently`): its rule bytes become what
    /// the next snapshot's are compared with, and it leaves with the buffer they replace, so
    /// the bytes are neither copied nor held twice.
    mutating func ingest(taking t: inout ParsedTable) {
        let tableIndex = ingest(t, keepingBytes: true)
        // The table's first snapshot leaves with an empty buffer that the scanner grows: the
        // page faults are the parsing thread's, which is ahead then (a first snapshot's rules
        // are all new, so ingesting it is the slower side).
        swap(&previousOrder[tableIndex].bytes, &t.rules.bytes)
    }

    /// Keeps each nft rule's handle as this snapshot printed it: a pass of its own, for nft
    /// tables only, so the loop above stays as it is for every format. `entries` has one
    /// entry per record, in the records' order.
    private mutating func noteHandles(_ records: UnsafeBufferPointer<_RuleRecord>, _ entries: [TableOrder.Entry]) {
        guard entries.count == records.count else { return }
        rules.withUnsafeMutableBufferPointer { rules in
            for k in entries.indices { rules[Int(entries[k].rule)].handle = records[k].handle }
        }
    }

    /// The declared chains, and their policy counters as samples.
    private mutating func ingestChains(_ t: ParsedTable, table tableIndex: Int, seed: UInt64, snapshot: Int32,
                                       previous: TableOrder, next: inout TableOrder, into chunk: inout _SampleChunk) {
        next.chainSignatures.reserveCapacity(t.rules.chainCount)
        next.chains.reserveCapacity(t.rules.chainCount)
        var j = 0
        t.forEachChain { declared in
            defer { j += 1 }
            let name = declared.name, policy = declared.policy, hook = declared.hook
            let nameKey = StableHasher.hash(name.base, seed: seed)
            // Most chains are user chains, without policy or hook: their name says it all.
            var signature = nameKey
            if !policy.isEmpty || !hook.isEmpty {
                signature = StableHasher.hash(hook.base, seed: StableHasher.hash(policy.base, seed: nameKey))
            }
            let chain: Int
            if j < previous.chainSignatures.count, previous.chainSignatures[j] == signature {
                chain = Int(previous.chains[j])
            } else {
                chain = internChain(table: tableIndex, key: nameKey, name: name.string,
                                    hook: hook.isEmpty ? nil : hook.string, policy: policy.isEmpty ? nil : policy.string)
            }
            next.chainSignatures.append(signature)
            next.chains.append(Int32(chain))
            if !policy.isEmpty, let packets = declared.packets {
                let policy = policy.string
                let key = normalizer.policyKey(chain: name.string, policy: policy, seed: seed)
                let rule = ruleIndex[key] ?? addPolicy(key: key, table: tableIndex, chain: chain, policy: policy,
                                                       format: t.format, snapshot: snapshot)
                lastSeen[Int(rule)] = snapshot
                chunk.append(rule: rule, packets: packets, bytes: declared.bytes ?? .exact(0))
            }
        }
    }

    /// Whether two rules print the same target and text (their chains are compared apart).
    /// A save rule's target is in its text (`ArenaRange.inSaveText`, empty here): the text says both.
    @inline(__always)
    private static func samePrint(_ a: UnsafeRawBufferPointer, _ x: _RuleRecord,
                                  _ b: UnsafeRawBufferPointer, _ y: TableOrder.Entry) -> Bool {
        let targetCount = x.target.end - x.target.start
        guard targetCount == y.target.end - y.target.start,
              x.text.end - x.text.start == y.text.end - y.text.start else { return false }
        // A listing stores the target right before the text: one comparison for both.
        if x.target.end == x.text.start, y.target.end == y.text.start {
            return same(a, x.target.start, b, y.target.start, Int(x.text.end - x.target.start))
        }
        return same(a, x.target.start, b, y.target.start, Int(targetCount))
            && same(a, x.text.start, b, y.text.start, Int(x.text.end - x.text.start))
    }

    @inline(__always)
    private static func same(_ a: UnsafeRawBufferPointer, _ i: Int32, _ b: UnsafeRawBufferPointer, _ j: Int32, _ n: Int) -> Bool {
        n == 0 || memcmp(a.baseAddress! + Int(i), b.baseAddress! + Int(j), n) == 0
    }

    @inline(__always)
    private static func slice(_ raw: UnsafeRawBufferPointer, _ r: ArenaRange) -> ByteSlice {
        ByteSlice(UnsafeRawBufferPointer(start: raw.baseAddress! + Int(r.start), count: Int(r.end - r.start)))
    }

    /// Finds (or adds) the rule for `base`, the nth identical rule of its chain in this
    /// snapshot getting the nth identity.
    private mutating func lookUp(_ base: UInt64, _ r: RuleView, tableIndex: Int, chainKey: UInt64, format: DumpFormat,
                                 snapshot: Int32, seed: UInt64) -> Int32 {
        var key = base
        var occurrence = 0
        while true {
            if let found = ruleIndex[key] {
                if lastSeen[Int(found)] == snapshot {
                    occurrence += 1
                    key = StableHasher.combine(base, occurrence)
                    continue
                }
                return found
            }
            let chain = internChain(table: tableIndex, key: chainKey, name: r.chain, declared: false)
            // Read once: a save rule's is looked for in its text each time it is asked for.
            let target = r.target
            let jumps = !target.isEmpty && chainIndex[StableHasher.hash(target.base, seed: seed)] != nil
            // No target the classes name is longer than eight bytes but a verdict map's:
            // `KUBE-SEP-...` needs no String.
            let named = target.count <= 8 || target.hasPrefix("vmap {")
            let targetClass: TargetClass = jumps ? .jump : named ? TargetClass(target: target.string) : .other
            let added = addRule(key: key, occurrence: occurrence, table: tableIndex, chain: chain, target: target,
                                text: r.text, canonical: ByteSlice(normalizer.out.bytes), targetClass: targetClass,
                                format: format, isPolicy: false, snapshot: snapshot, position: r.position)
            if r.isObject { rules[Int(added)].isObject = true }
            return added
        }
    }

    /// A chain's policy counter, kept as a rule `policy DROP` targeting `DROP`.
    private mutating func addPolicy(key: UInt64, table: Int, chain: Int, policy: String, format: DumpFormat,
                                    snapshot: Int32) -> Int32 {
        var text = "policy \(policy)"
        return text.withUTF8 { text in
            let target = ByteSlice(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(text)[7...]))
            return addRule(key: key, occurrence: 0, table: table, chain: chain, target: target,
                           text: ByteSlice(UnsafeRawBufferPointer(text)), canonical: .empty,
                           targetClass: TargetClass(target: policy), format: format, isPolicy: true,
                           snapshot: snapshot, position: 0)
        }
    }

    /// Adds a rule first shown by `snapshot`; its samples are appended apart.
    mutating func addRule(key: UInt64, occurrence: Int, table: Int, chain: Int, target: ByteSlice,
                                  text: ByteSlice, canonical: ByteSlice, targetClass: TargetClass, format: DumpFormat,
                                  isPolicy: Bool, snapshot: Int32, position: Int) -> Int32 {
        let index = Int32(rules.count)
        let (block, start) = storeTexts(target, text, canonical)
        rules.append(HistoryRule(key: key, table: table, chain: chain, targetClass: targetClass, format: format,
                                 occurrence: occurrence, isPolicy: isPolicy, firstSnapshot: Int(snapshot),
                                 firstPosition: position, texts: block, textStart: start,
                                 targetCount: Int32(target.count), textCount: Int32(text.count),
                                 canonicalCount: Int32(canonical.count)))
        ruleIndex[key] = index
        lastSeen.append(-1)
        orderSlot.append(-1)
        return index
    }

    /// Writes a rule's target, text and canonical form one after the other; returns the block
    /// and where they begin. A new block when they do not fit, or when a copy of this history
    /// shares the block (it may write behind the same texts).
    private mutating func storeTexts(_ a: ByteSlice, _ b: ByteSlice, _ c: ByteSlice) -> (_RuleTextBlock, Int32) {
        let n = a.count + b.count + c.count
        if !isKnownUniquelyReferenced(&textWriter) || textWriter.used + n > textWriter.block.capacity {
            textWriter = _RuleTextWriter(capacity: Swift.max(n, _RuleTextBlock.size))
        }
        let start = textWriter.used
        var at = textWriter.block.base + start
        for p in [a, b, c] where !p.isEmpty {
            at.copyMemory(from: p.base.baseAddress!, byteCount: p.count)
            at += p.count
        }
        textWriter.used += n
        return (textWriter.block, Int32(start))
    }

    /// 12 hex digits: the top 48 bits of the identity's hash.
    static func ruleID(_ key: UInt64) -> String {
        let hex = String(key >> 16, radix: 16)
        return String(repeating: "0", count: 12 - hex.count) + hex
    }

    /// The table's index, added (with its seed and order buffers) when new.
    mutating func internTable(family: Family, name: String, format: DumpFormat) -> Int {
        let table = HistoryTable(family: family, name: name, format: format)
        if let i = tables.firstIndex(of: table) { return i }
        tables.append(table)
        tableSeeds.append(RuleIdentityNormalizer.tableSeed(family: family, table: name, format: format))
        previousOrder.append(TableOrder())
        spareOrders.append(TableOrder())
        return tables.count - 1
    }

    private mutating func internChain(table: Int, key: UInt64, name: String, hook: String?, policy: String?) -> Int {
        if let found = chainIndex[key] {
            let i = Int(found)
            if let hook { chains[i].hook = hook }
            chains[i].policy = policy
            return i
        }
        return addChain(table: table, key: key, name: name, hook: hook, policy: policy)
    }

    /// A chain a rule names: seen before nearly always, so its name is copied out only when new.
    private mutating func internChain(table: Int, key: UInt64, name: ByteSlice, declared: Bool) -> Int {
        if let found = chainIndex[key] { return Int(found) }
        return addChain(table: table, key: key, name: name.string, hook: nil, policy: nil)
    }

    private mutating func addChain(table: Int, key: UInt64, name: String, hook: String?, policy: String?) -> Int {
        chains.append(HistoryChain(table: table, name: name, hook: hook ?? ChainInfo.builtinHook(name), policy: policy))
        chainIndex[key] = Int32(chains.count - 1)
        return chains.count - 1
    }
}
