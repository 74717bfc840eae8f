/// What every detector may read: the history, the egress timeline and what was derived
/// from them once.
struct AnalysisContext {
    let history: CaptureHistory
    let timeline: EgressTimeline
    let thresholds: AnalyzerThresholds
    /// The snapshots analyzed.
    let window: Range<Int>
    let drops: [EgressDrop]
    /// Per rule: its target class with jumps to user chains resolved.
    let targetClasses: [TargetClass]
    /// Per chain: reached from a prerouting or output hook (nft: through jumps too).
    let reachedFromPreroutingOrOutput: [Bool]

    init(history: CaptureHistory, timeline: EgressTimeline, thresholds: AnalyzerThresholds, window: Range<Int>) {
        self.history = history
        self.timeline = timeline
        self.thresholds = thresholds
        self.window = window
        drops = EgressDrop.find(in: timeline, window: window, thresholds: thresholds)

        var jumps: [Int: [Int]] = [:]
        for r in history.rules where r.targetClass == .jump && history.tables[r.table].format.isNft {
            if let target = history.chainIndex[StableHasher.hash(r.target, seed: history.tableSeeds[r.table])] {
                jumps[r.chain, default: []].append(Int(target))
            }
        }
        targetClasses = history.rules.map(\.targetClass)

        var reached = history.chains.map { $0.hook == "prerouting" || $0.hook == "output" }
        var queue = reached.indices.filter { reached[$0] && history.tables[history.chains[$0].table].format.isNft }
        while let c = queue.popLast() {
            for next in jumps[c] ?? [] where !reached[next] {
                reached[next] = true
                queue.append(next)
            }
        }
        reachedFromPreroutingOrOutput = reached
    }

    func time(_ snapshot: Int) -> Int64? {
        snapshot >= 0 && snapshot < history.snapshots.count ? history.snapshots[snapshot].time : nil
    }

    func rule(_ i: Int) -> HistoryRule { history.rules[i] }
    func chain(of rule: HistoryRule) -> HistoryChain { history.chains[rule.chain] }
    func table(of rule: HistoryRule) -> HistoryTable { history.tables[rule.table] }

    /// A finding about a rule, its naming fields filled in.
    func finding(_ kind: String, _ severity: Severity, score: Double, rule index: Int, since: Int64?,
                 explanation: String, evidence: [EvidenceField]) -> Finding {
        let r = rule(index)
        let t = table(of: r)
        return Finding(kind: kind, severity: severity, score: score, ruleID: r.id, family: t.family.rawValue,
                       table: t.name, chain: chain(of: r).name, target: r.target, rule: r.text, since: since,
                       explanation: explanation, evidence: evidence, ruleIndex: index)
    }

    /// The egress success rate of the interval ending at `snapshot`.
    func egressRate(_ snapshot: Int) -> Double? { timeline.rate(snapshot) }
}

extension DumpFormat {
    var isNft: Bool { self == .nft || self == .nftJSON }
}
