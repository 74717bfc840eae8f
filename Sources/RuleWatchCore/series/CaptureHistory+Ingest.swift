/// The hot path: a table's rules to samples, without allocating per rule.
extension CaptureHistory {
    mutating func ingest(_ t: ParsedTable) {
        let tableIndex = internTable(family: t.family, name: t.name, format: t.format)
        current!.tables.append(tableIndex)
        let snapshot = Int32(snapshots.count)
        let seed = tableSeeds[tableIndex]

        let previous = previousOrder[tableIndex]
        var next = TableOrder()
        next.chainSignatures.reserveCapacity(t.chains.count)
        next.chains.reserveCapacity(t.chains.count)
        for (j, c) in t.chains.enumerated() {
            let nameKey = StableHasher.hash(c.name, seed: seed)
            let signature = StableHasher.hash((c.policy ?? "") + "\u{1F}" + (c.hook ?? ""), seed: nameKey)
            let chain: Int
            if j < previous.chainSignatures.count, previous.chainSignatures[j] == signature {
                chain = Int(previous.chains[j])
            } else {
                chain = internChain(table: tableIndex, key: nameKey, name: c.name, hook: c.hook, policy: c.policy)
            }
            next.chainSignatures.append(signature)
            next.chains.append(Int32(chain))
            if let policy = c.policy, let packets = c.packets {
                let key = normalizer.policyKey(chain: c.name, policy: policy, seed: seed)
                let rule = ruleIndex[key] ?? addRule(key: key, occurrence: 0, table: tableIndex, chain: chain,
                                                     target: policy, text: "policy \(policy)", canonical: "",
                                                     format: t.format, isPolicy: true, snapshot: snapshot, position: 0)
                lastSeen[Int(rule)] = snapshot
                samples.append(RuleSample(rule: rule, snapshot: snapshot, position: 0, hasCounters: true,
                                          packets: packets, bytes: c.bytes ?? .exact(0)))
            }
        }

        var lastChain = ByteSlice.empty
        var chainKey: UInt64 = 0
        let format = t.format
        let family = t.family
        next.raw.reserveCapacity(t.rules.count)
        next.keys.reserveCapacity(t.rules.count)
        next.rules.reserveCapacity(t.rules.count)
        var cursor = 0
        t.rules.forEach { r in
            if chainKey == 0 || !(r.chain == lastChain) {
                chainKey = StableHasher.hash(r.chain.base, seed: seed)
                lastChain = r.chain
            }
            let raw = StableHasher.hash(r.text.base, seed: StableHasher.hash(r.target.base, seed: chainKey))
            var rule: Int32
            var base: UInt64
            if cursor < previous.raw.count, previous.raw[cursor] == raw, lastSeen[Int(previous.rules[cursor])] != snapshot {
                // The common case: the same rule, printed the same way, in the same place.
                rule = previous.rules[cursor]
                base = previous.keys[cursor]
                cursor += 1
            } else {
                base = normalizer.key(of: r, format: format, family: family, seed: seed)
                if cursor < previous.keys.count, previous.keys[cursor] == base,
                   lastSeen[Int(previous.rules[cursor])] != snapshot {
                    rule = previous.rules[cursor]
                    cursor += 1
                } else {
                    rule = lookUp(base, r, tableIndex: tableIndex, chainKey: chainKey, format: format,
                                  snapshot: snapshot, seed: seed)
                    let slot = Int(orderSlot[Int(rule)])
                    if slot >= 0, slot < previous.rules.count, previous.rules[slot] == rule { cursor = slot + 1 }
                }
            }
            lastSeen[Int(rule)] = snapshot
            orderSlot[Int(rule)] = Int32(next.rules.count)
            next.raw.append(raw)
            next.keys.append(base)
            next.rules.append(rule)
            samples.append(RuleSample(rule: rule, snapshot: snapshot, position: Int32(truncatingIfNeeded: r.position),
                                      hasCounters: r.packets != nil,
                                      packets: r.packets ?? .exact(0), bytes: r.bytes ?? .exact(0)))
        }
        previousOrder[tableIndex] = next
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
            let canonical = String(decoding: normalizer.out.bytes, as: UTF8.self)
            let chain = internChain(table: tableIndex, key: chainKey, name: r.chain, declared: false)
            let jumps = !r.target.isEmpty && chainIndex[StableHasher.hash(r.target.base, seed: seed)] != nil
            return addRule(key: key, occurrence: occurrence, table: tableIndex, chain: chain,
                           target: r.target.string, text: r.text.string, canonical: canonical,
                           format: format, isPolicy: false, snapshot: snapshot, position: r.position, jumps: jumps)
        }
    }

    private mutating func addRule(key: UInt64, occurrence: Int, table: Int, chain: Int, target: String, text: String,
                                  canonical: String, format: DumpFormat, isPolicy: Bool,
                                  snapshot: Int32, position: Int, jumps: Bool = false) -> Int32 {
        let index = Int32(rules.count)
        rules.append(HistoryRule(key: key, table: table, chain: chain, target: target,
                                 targetClass: jumps ? .jump : TargetClass(target: target), text: text, canonical: canonical,
                                 format: format, occurrence: occurrence, isPolicy: isPolicy,
                                 firstSnapshot: Int(snapshot), firstPosition: position))
        ruleIndex[key] = index
        lastSeen.append(-1)
        orderSlot.append(-1)
        return index
    }

    /// 12 hex digits: the top 48 bits of the identity's hash.
    static func ruleID(_ key: UInt64) -> String {
        let hex = String(key >> 16, radix: 16)
        return String(repeating: "0", count: 12 - hex.count) + hex
    }

    private mutating func internTable(family: Family, name: String, format: DumpFormat) -> Int {
        let table = HistoryTable(family: family, name: name, format: format)
        if let i = tables.firstIndex(of: table) { return i }
        tables.append(table)
        tableSeeds.append(RuleIdentityNormalizer.tableSeed(family: family, table: name, format: format))
        previousOrder.append(TableOrder())
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
