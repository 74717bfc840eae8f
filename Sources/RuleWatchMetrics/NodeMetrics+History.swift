import RuleWatchCore

extension NodeMetrics {
    /// A capture's metrics: every living rule with counters (shown by the last snapshot that
    /// showed its table; a rule that left has no series, as Prometheus expects of a gone
    /// series), its totals over the whole capture, the analyzer's findings on it, and the last
    /// snapshot's egress and time.
    ///
    /// - Parameters:
    ///   - egress: the `--egress` CSV; without it the snapshots' inline `# egress` lines.
    ///   - config: the analyzer's configuration (`--config`): ignores and thresholds.
    public init(history: CaptureHistory, egress: EgressSeries? = nil, config: AnalyzerConfig = AnalyzerConfig()) {
        let totals = CounterTotals(history)
        // Per table, the last snapshot that showed it.
        var lastShown = [Int](repeating: -1, count: history.tables.count)
        for s in history.snapshots { for t in s.tables { lastShown[t] = s.index } }
        var rules: [Rule] = []
        rules.reserveCapacity(history.rules.count)
        for (index, total) in totals.rules.enumerated() {
            let r = history.rules[index]
            guard let total, total.lastSnapshot == lastShown[r.table] else { continue }
            let table = history.tables[r.table]
            rules.append(Rule(family: table.family.rawValue, table: table.name, chain: history.chains[r.chain].name,
                              target: r.target, ruleID: r.id, text: r.text,
                              packets: total.packets, bytes: total.bytes, moved: total.moved))
        }
        var resets: [ChainResets] = []
        for (index, count) in totals.chainResets.enumerated() {
            let chain = history.chains[index]
            let table = history.tables[chain.table]
            resets.append(ChainResets(family: table.family.rawValue, table: table.name, chain: chain.name,
                                      resets: UInt64(count)))
        }
        let result = Analyzer(config: config).analyze(history, egress: egress)
        let timeline = EgressTimeline(history: history, csv: egress)
        self.init(rules: rules, chainResets: resets, findings: result.findings,
                  egressSuccessRatio: timeline.samples.last.flatMap { $0?.rate },
                  lastSnapshotTime: history.snapshots.last?.time)
    }
}
