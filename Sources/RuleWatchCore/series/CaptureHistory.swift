/// A capture reduced to what the analyzer needs: per snapshot its time and egress, per
/// distinct rule its text once, and per snapshot the counters that changed (`chunks`): memory
/// grows with change, not with snapshots × rules.
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
    /// What changed in each snapshot: `chunks[s]` holds the samples of snapshot `s` that
    /// differ from their rule's previous one, in capture order, and the rules that vanished
    /// (see `_KeptChunk`). A rule the snapshot before showed and `chunks[s]` does not name
    /// was shown again unchanged: memory grows with the changes, not with snapshots × rules.
    var chunks: [_KeptChunk] = []
    /// Where kept samples are written (see `_SampleBlock`).
    var sampleWriter: _SampleWriter?
    /// The samples of the snapshot being read, every rule's; its changes go to `chunks` when
    /// it ends. Reused from one snapshot to the next.
    var pending = _SampleChunk()
    /// Per rule, its last sample and whether the last snapshot showed it.
    var lastSamples = _LastSamples()

    var ruleIndex = _KeyTable()
    /// Per rule, the last snapshot that showed it: the next identical rule in that snapshot
    /// is its duplicate.
    var lastSeen: [Int32] = []
    /// Chains by the hash of their table and name.
    var chainIndex = _KeyTable()
    var tableSeeds: [UInt64] = []
    /// Per table, its rules as the last snapshot printed them and what they were found to
    /// be: the next snapshot prints nearly all of them the same way in the same order, so
    /// comparing bytes in step finds most rules without hashing or a lookup (which misses
    /// the cache on big tables).
    var previousOrder: [TableOrder] = []
    /// Per rule, its place in its table's `previousOrder`.
    var orderSlot: [Int32] = []

    /// Per table, the buffers of the `TableOrder` before `previousOrder`'s, for the next
    /// snapshot to fill: each table's own, so they never grow again once the table was seen.
    var spareOrders: [TableOrder] = []

    struct TableOrder {
        /// A copy of the table's rule bytes: what `entries` point into.
        var bytes = _ArenaBytes.empty
        /// Per rule: where it was printed and what it was found to be.
        var entries: [Entry] = []
        /// The declared chains: a hash of name, hook and policy, and the chain.
        var chainSignatures: [UInt64] = []
        var chains: [Int32] = []

        struct Entry {
            /// The hash of its chain's name.
            var chainKey: UInt64
            /// Its normalized identity's hash, before telling duplicates apart.
            var key: UInt64
            var rule: Int32
            var target: ArenaRange
            var text: ArenaRange
        }

        mutating func removeAll() {
            entries.removeAll(keepingCapacity: true)
            chainSignatures.removeAll(keepingCapacity: true)
            chains.removeAll(keepingCapacity: true)
        }
    }

    /// Where new rules' texts go.
    var textWriter = _RuleTextWriter(capacity: 0)
    var normalizer = RuleIdentityNormalizer()
    var current: HistorySnapshot?

    public init() {}

    public var wantsRules: Bool { true }

    public mutating func beginSnapshot(_ header: SnapshotHeader) {
        if let open = current { close(open) }
        current = HistorySnapshot(index: snapshots.count, time: header.time, source: header.source,
                                  line: header.line, egress: header.egress, tcp: header.tcp)
    }

    public mutating func endSnapshot(_ header: SnapshotHeader, partial: Bool) {
        guard var s = current else { return }
        if s.egress == nil { s.egress = header.egress }
        if s.tcp.isEmpty { s.tcp = header.tcp }
        if s.time == nil { s.time = header.time }
        s.partial = partial
        current = nil
        close(s)
    }

    /// Adds the snapshot that was being read, with what changed in it.
    private mutating func close(_ snapshot: HistorySnapshot) {
        appendSnapshot(snapshot, samples: pending)
        pending.removeAll()
    }

    public mutating func table(_ t: ParsedTable) {
        open(t)
        ingest(t)
    }

    /// Takes the table's rule bytes instead of copying them (see `ingest(taking:)`).
    public mutating func take(_ t: inout ParsedTable) {
        open(t)
        ingest(taking: &t)
    }

    private mutating func open(_ t: ParsedTable) {
        if current == nil {
            beginSnapshot(SnapshotHeader(index: snapshots.count, time: t.generatedAt, source: t.source, line: t.firstLine))
        }
        if current!.time == nil, let generated = t.generatedAt { current!.time = generated }
    }

    /// The tables shown by a snapshot, as indices into `tables`.
    func snapshotShows(_ snapshot: Int, table: Int) -> Bool {
        snapshots[snapshot].tables.contains(table)
    }
}
