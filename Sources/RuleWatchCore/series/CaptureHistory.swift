/// A capture reduced to what the analyzer needs: per snapshot its time and egress, per
/// distinct rule its text once, and per rule per snapshot a few numbers (`RuleSample`).
///
/// It is a `DumpSink`: hand it to `CaptureParser.parse(..., into:)`. Rules are told apart
/// by their normalized identity (see `RuleIdentityNormalizer`), not their position, so a
/// rule keeps its history when rules are inserted above it, when one snapshot was dumped
/// with `-n` and the next without, and across kube-proxy's chain rewrites. Identical rules
/// in one chain are kept apart by their order.
///
/// ```swift
/// var history = CaptureHistory()
/// try CaptureParser(options: options).parse(files: paths, into: &history)
/// let result = Analyzer(config: config).analyze(history, egress: egress, filter: filter)
/// ```
public struct CaptureHistory: DumpSink {
    public internal(set) var snapshots: [HistorySnapshot] = []
    public internal(set) var tables: [HistoryTable] = []
    public internal(set) var chains: [HistoryChain] = []
    public internal(set) var rules: [HistoryRule] = []
    /// Every rule's counters in every snapshot that showed it, in capture order.
    var samples: [RuleSample] = []

    var ruleIndex = _KeyTable()
    /// Per rule, the last snapshot that showed it: the next identical rule in that snapshot
    /// is its duplicate.
    var lastSeen: [Int32] = []
    /// Chains by the hash of their table and name.
    var chainIndex = _KeyTable()
    var tableSeeds: [UInt64] = []
    /// Per table, its rules' base keys and rules in the order the last snapshot listed them:
    /// the next snapshot lists nearly all of them in the same order, so walking this in step
    /// finds most rules without a hash lookup (which misses the cache on big tables).
    var previousOrder: [TableOrder] = []
    /// Per rule, its place in its table's `previousOrder`.
    var orderSlot: [Int32] = []

    struct TableOrder {
        /// A hash of the rule's bytes as printed: equal bytes need no normalizing.
        var raw: [UInt64] = []
        var keys: [UInt64] = []
        var rules: [Int32] = []
        /// The declared chains: a hash of name, hook and policy, and the chain.
        var chainSignatures: [UInt64] = []
        var chains: [Int32] = []
    }
    var normalizer = RuleIdentityNormalizer()
    var current: HistorySnapshot?

    public init() {}

    public var wantsRules: Bool { true }

    public mutating func beginSnapshot(_ header: SnapshotHeader) {
        if let open = current { snapshots.append(open) }
        current = HistorySnapshot(index: snapshots.count, time: header.time, source: header.source,
                                  line: header.line, egress: header.egress)
    }

    public mutating func endSnapshot(_ header: SnapshotHeader, partial: Bool) {
        guard var s = current else { return }
        if s.egress == nil { s.egress = header.egress }
        if s.time == nil { s.time = header.time }
        s.partial = partial
        snapshots.append(s)
        current = nil
    }

    public mutating func table(_ t: ParsedTable) {
        if current == nil {
            beginSnapshot(SnapshotHeader(index: snapshots.count, time: t.generatedAt, source: t.source, line: t.firstLine))
        }
        if current!.time == nil, let generated = t.generatedAt { current!.time = generated }
        ingest(t)
    }

    /// The tables shown by a snapshot, as indices into `tables`.
    func snapshotShows(_ snapshot: Int, table: Int) -> Bool {
        snapshots[snapshot].tables.contains(table)
    }
}
