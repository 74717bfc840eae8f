/// A history rebuilt from a store rather than parsed from a capture, and a parsed history
/// read out for storing: so that `report` runs the one `Analyzer` over the one history type.
///
/// ```swift
/// var history = CaptureHistory()
/// let nat = history.addStoredTable(family: .ip, name: "nat", format: .save)
/// let chain = history.addStoredChain(table: nat, name: "PREROUTING", hook: "prerouting", policy: "ACCEPT")
/// let rule = history.addStoredRule(StoredRule(key: key, table: nat, chain: chain, target: "DNAT", ...))
/// history.appendChangedSnapshot(time: t, source: "node-1", egress: nil, tables: [nat]) { changes in
///     changes.append(rule: rule, packets: .exact(10), bytes: .exact(600))
/// }
/// ```
/// Snapshots go in through `appendChangedSnapshot` (CaptureHistory+Changes.swift): a store
/// keeps what changed, and hands over only that.
extension CaptureHistory {
    /// Adds a table, or finds it when the history has it already; returns its index.
    public mutating func addStoredTable(family: Family, name: String, format: DumpFormat) -> Int {
        internTable(family: family, name: name, format: format)
    }

    /// Adds a chain of `table` (or updates its hook and policy when it has it); returns its index.
    /// The chain is found by the hash `analyze` files it under, so jumps to it resolve the same way.
    public mutating func addStoredChain(table: Int, name: String, hook: String?, policy: String?) -> Int {
        let key = StableHasher.hash(name, seed: tableSeeds[table])
        if let found = chainIndex[key] {
            let i = Int(found)
            if let hook { chains[i].hook = hook }
            chains[i].policy = policy
            return i
        }
        chains.append(HistoryChain(table: table, name: name, hook: hook ?? ChainInfo.builtinHook(name), policy: policy))
        chainIndex[key] = Int32(chains.count - 1)
        return chains.count - 1
    }

    /// Adds a rule with the identity a store kept for it; returns its index. The identity
    /// (`key`) is what `rule_id` is made of, so it is kept as stored, never recomputed.
    public mutating func addStoredRule(_ r: StoredRule) -> Int {
        let index = Int32(rules.count)
        let (block, start) = storeTextsForStored(r.target, r.text, r.canonical)
        rules.append(HistoryRule(key: r.key, table: r.table, chain: r.chain, targetClass: r.targetClass, format: r.format,
                                 occurrence: r.occurrence, isPolicy: r.isPolicy, firstSnapshot: r.firstSnapshot,
                                 firstPosition: r.firstPosition, texts: block, textStart: start,
                                 targetCount: Int32(r.target.utf8.count), textCount: Int32(r.text.utf8.count),
                                 canonicalCount: Int32(r.canonical.utf8.count)))
        rules[Int(index)].handle = r.handle
        ruleIndex[r.key] = index
        lastSeen.append(-1)
        orderSlot.append(-1)
        return Int(index)
    }

    /// Lends the samples of snapshot `s`: each rule it showed and its counters (`nil` packets:
    /// dumped without counters), in capture order.
    public func forEachSample(inSnapshot s: Int, _ body: (_ rule: Int, _ packets: Counter?, _ bytes: Counter?) -> Void) {
        forEachShownSample(in: s..<s + 1) { _, r, p, b in body(r, p, b) }
    }

    /// The 12-hex-digit `rule_id` of an identity hash, as `HistoryRule.id` prints it.
    public static func ruleID(key: UInt64) -> String { ruleID(key) }

    /// Like `storeTexts`: target, text and canonical form one after the other in a shared block.
    private mutating func storeTextsForStored(_ a: String, _ b: String, _ c: String) -> (_RuleTextBlock, Int32) {
        let n = a.utf8.count + b.utf8.count + c.utf8.count
        if !isKnownUniquelyReferenced(&textWriter) || textWriter.used + n > textWriter.block.capacity {
            textWriter = _RuleTextWriter(capacity: Swift.max(n, _RuleTextBlock.size))
        }
        let start = textWriter.used
        var at = textWriter.block.base + start
        for p in [a, b, c] {
            for byte in p.utf8 {
                at.storeBytes(of: byte, as: UInt8.self)
                at += 1
            }
        }
        textWriter.used += n
        return (textWriter.block, Int32(start))
    }
}

/// A rule as a store keeps it: everything `HistoryRule` holds, as plain values.
public struct StoredRule: Sendable, Hashable {
    /// The identity's full 64-bit hash (`rule_id` is its top 48 bits in hex).
    public var key: UInt64
    /// Indices into the history's tables and chains.
    public var table: Int
    public var chain: Int
    public var target: String
    public var targetClass: TargetClass
    public var text: String
    public var canonical: String
    public var format: DumpFormat
    public var occurrence: Int
    public var isPolicy: Bool
    /// The first snapshot of the rebuilt history that shows it, and its position in its chain.
    public var firstSnapshot: Int
    public var firstPosition: Int
    /// nft's handle for it in the latest snapshot stored that showed it; 0: none printed.
    public var handle: UInt32 = 0

    public init(key: UInt64, table: Int, chain: Int, target: String, targetClass: TargetClass, text: String,
                canonical: String, format: DumpFormat, occurrence: Int, isPolicy: Bool,
                firstSnapshot: Int = 0, firstPosition: Int = 0, handle: UInt32 = 0) {
        self.handle = handle
        self.key = key
        self.table = table
        self.chain = chain
        self.target = target
        self.targetClass = targetClass
        self.text = text
        self.canonical = canonical
        self.format = format
        self.occurrence = occurrence
        self.isPolicy = isPolicy
        self.firstSnapshot = firstSnapshot
        self.firstPosition = firstPosition
    }

    /// A parsed history's rule, with its table and chain indices as that history numbers them.
    public init(_ r: HistoryRule) {
        self.init(key: r.key, table: r.table, chain: r.chain, target: r.target, targetClass: r.targetClass, text: r.text,
                  canonical: r.canonical, format: r.format, occurrence: r.occurrence, isPolicy: r.isPolicy,
                  firstSnapshot: r.firstSnapshot, firstPosition: r.firstPosition, handle: r.handle)
    }
}
