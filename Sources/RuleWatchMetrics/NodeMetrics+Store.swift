import RuleWatchCore
import RuleWatchStore

extension NodeMetrics {
    /// A node's metrics from its store: the store's reset-corrected totals of the rules the
    /// source's last snapshot showed (kept across pruning, so they never go down), the
    /// chains' resets, the analyzer's findings over the retained history, and the last
    /// snapshot's egress and time. What `rulewatch export --store` and `rulewatch collect
    /// --textfile` write:
    ///
    /// ```swift
    /// let metrics = try NodeMetrics(store: store, source: source, config: config)
    /// try PrometheusTextfile.write(metrics, options: options, to: textfile)
    /// ```
    ///
    /// A rule counts as moving (`--only-counting`) when its counters moved within the
    /// retained snapshots.
    public init(store: RuleStore, source: String, config: AnalyzerConfig = AnalyzerConfig()) throws(StoreError) {
        let history = try store.history(source: source)
        let counted = CounterTotals(history)
        var moved = Set<UInt64>()
        for (index, total) in counted.rules.enumerated() where total?.moved == true { moved.insert(history.rules[index].key) }
        let rules = try store.ruleTotals(source: source).compactMap { t -> Rule? in
            guard t.alive, t.packets != nil else { return nil }
            return Rule(family: t.family.rawValue, table: t.table, chain: t.chain, target: t.target, ruleID: t.ruleID,
                        text: t.text, packets: t.totalPackets, bytes: t.totalBytes, moved: moved.contains(t.key))
        }
        let chains = try store.chainTotals(source: source).map {
            ChainResets(family: $0.family.rawValue, table: $0.table, chain: $0.chain, resets: UInt64($0.resets))
        }
        let result = Analyzer(config: config).analyze(history)
        let timeline = EgressTimeline(history: history, csv: nil)
        self.init(rules: rules, chainResets: chains, findings: result.findings,
                  egressSuccessRatio: timeline.samples.last.flatMap { $0?.rate },
                  lastSnapshotTime: history.snapshots.last?.time)
    }
}
