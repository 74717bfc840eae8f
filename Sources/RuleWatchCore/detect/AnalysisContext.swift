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
    /// Per chain: hooked at prerouting or output, or jumped to from such a chain by a rule
    /// that catches egress.
    let reachedFromPreroutingOrOutput: [Bool]

    init(history: CaptureHistory, timeline: EgressTimeline, thresholds: AnalyzerThresholds, window: Range<Int>) {
        self.history = history
        self.timeline = timeline
        self.thresholds = thresholds
        self.window = window
        drops = EgressDrop.find(in: timeline, window: window, thresholds: thresholds)

        // Fields read in place: a copy of each of 33,000 rules (or a key path applied to
        // it) retains and releases its text block, and cost more than the reading.
        let rules = history.rules
        targetClasses = rules.withUnsafeBufferPointer { rs in rs.indices.map { rs[$0].targetClass } }

        // Jump rules grouped by the chain they are in (a counting sort: two flat arrays).
        var starts = [Int32](repeating: 0, count: history.chains.count + 1)
        var jumpRules: [Int32] = []
        rules.withUnsafeBufferPointer { rs in
            for i in rs.indices where rs[i].targetClass == .jump { starts[rs[i].chain + 1] += 1 }
            for c in 0..<history.chains.count { starts[c + 1] += starts[c] }
            jumpRules = [Int32](repeating: 0, count: Int(starts[history.chains.count]))
            var fill = starts
            for i in rs.indices where rs[i].targetClass == .jump {
                let chain = rs[i].chain
                jumpRules[Int(fill[chain])] = Int32(i)
                fill[chain] += 1
            }
        }

        // The chains hooked at prerouting and output, and the chains they jump to with a rule
        // that lets egress traffic through whole (an installer's `-j STORAGE-PREROUTING`,
        // kube-proxy's `-j KUBE-SERVICES`), not with a narrow one (`-d 10.96.0.10/32 --dport 53
        // -j KUBE-SVC-...`: a DNAT behind a ClusterIP catches that service, not the node's
        // egress). One level: the hooked chains hold a handful of rules, where following
        // KUBE-SERVICES' thousands of jumps would cost more than the rest of the analysis.
        var reached = history.chains.map { $0.hook == "prerouting" || $0.hook == "output" }
        let hooked = reached.indices.filter { reached[$0] }
        for c in hooked {
            for k in Int(starts[c])..<Int(starts[c + 1]) {
                let rule = history.rules[Int(jumpRules[k])]
                guard let target = history.chainIndex[StableHasher.hash(rule.target, seed: history.tableSeeds[rule.table])],
                      !reached[Int(target)], rule.traits.catchesEgress else { continue }
                reached[Int(target)] = true
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
