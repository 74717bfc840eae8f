/// Runs the detectors over a capture's history and ranks what they found.
///
/// ```swift
/// let config = try AnalyzerConfig.load(path: "rulewatch.conf")
/// let result = Analyzer(config: config).analyze(history, egress: csv, filter: AnalysisFilter())
/// print(result.text(color: false, width: 80))
/// ```
public struct Analyzer {
    public var config: AnalyzerConfig

    public init(config: AnalyzerConfig = AnalyzerConfig()) { self.config = config }

    /// - Parameters:
    ///   - egress: the `--egress` CSV; without it the snapshots' inline `# egress` lines are
    ///     used, without those an estimate from the pods' `# tcp` counters (`PassiveEgress`),
    ///     and without those the rules' counters alone.
    ///   - filter: the snapshots and findings to keep.
    ///   - timeline: also gather what a drawn report needs (`AnalysisTimeline`): one more
    ///     pass over the rules.
    public func analyze(_ history: CaptureHistory, egress: EgressSeries? = nil,
                        filter: AnalysisFilter = AnalysisFilter(), timeline: Bool = false) -> AnalysisResult {
        let window = Self.window(history, filter)
        let egress = EgressTimeline(history: history, csv: egress)
        let context = AnalysisContext(history: history, timeline: egress, thresholds: config.thresholds, window: window)
        var climb = ClimbWithEgressDropDetector()
        var newRule = NewRuleDetector()
        var hazard = HazardDetector()
        var reset = ResetDetector()
        var dropClimb = DropClimbDetector()
        var emptied = RulesetEmptiedDetector()
        var ruleCount = 0
        // Read in place: a copy of the rule would retain and release its text block.
        func count(_ rule: Int) {
            if history.rules.withUnsafeBufferPointer({ !$0[rule].isPolicy && !$0[rule].isObject }) { ruleCount += 1 }
        }
        // A rule whose counters stay zero over the whole window, shown throughout: no climb,
        // reset, drop climb or appearance, only the static hazard check may name it.
        func isQuiet(_ rule: Int) -> Bool {
            guard !context.isHazard(rule) else { return false }
            count(rule)
            return true
        }
        history.forEachSeries(in: window, quiet: isQuiet) { series in
            count(series.rule)
            climb.observe(series, in: context)
            newRule.observe(series, in: context)
            hazard.observe(series, in: context)
            reset.observe(series, in: context)
            dropClimb.observe(series, in: context)
        }
        let climbs = climb.findings(in: context)
        let critical = Set(climbs.filter { $0.severity == .critical }.compactMap(\.ruleIndex))
        var findings = climbs
        findings += newRule.findings(in: context)
        findings += hazard.findings(in: context).filter { !critical.contains($0.ruleIndex ?? -1) }
        findings += reset.findings(in: context)
        findings += dropClimb.findings(in: context).filter { !critical.contains($0.ruleIndex ?? -1) }
        findings += unexplainedDrops(context, explained: !critical.isEmpty)
        findings += emptied.findings(in: context)

        let ignores = config.ignores + filter.ignores
        findings = findings.filter { f in
            if let t = filter.table, f.table != t { return false }
            if let c = filter.chain, f.chain != c { return false }
            return !ignores.contains { $0.matches(f) }
        }
        findings.sort(by: Finding.ranksBefore)
        let entries = Self.entries(findings, context)
        return AnalysisResult(snapshots: window.count, rules: ruleCount, findings: findings, entries: entries,
                              timeline: timeline ? Self.timeline(findings, context) : AnalysisTimeline(),
                              egressSource: egress.source, egressNamespaces: egress.passiveNamespaces)
    }

    /// Egress fell and no diverting or discarding rule climbed with it: an outage of the far
    /// servers or the network, not of this node's rules.
    private func unexplainedDrops(_ context: AnalysisContext, explained: Bool) -> [Finding] {
        guard !explained else { return [] }
        return context.drops.map { d in
            Finding(kind: "egress-drop", severity: .warning, score: 0.35, since: context.time(d.onset),
                    explanation: "Egress success fell from \(Explanation.percent(d.before)) to \(Explanation.percent(d.during)) at \(Explanation.clock(context.time(d.onset))), but no diverting or discarding rule began to climb with it: look beyond this node's rules (far servers, routes, DNS).",
                    evidence: [EvidenceField("egress_before", .rounded(d.before)),
                               EvidenceField("egress_after", .rounded(d.during)),
                               EvidenceField("until", .time(context.time(d.end)))])
        }
    }

    /// The snapshots between `--since` and `--until` (those without a time are kept).
    static func window(_ history: CaptureHistory, _ filter: AnalysisFilter) -> Range<Int> {
        var lower = 0
        var upper = history.snapshots.count
        if let since = filter.since {
            while lower < upper, let t = history.snapshots[lower].time, t < since { lower += 1 }
        }
        if let until = filter.until {
            while upper > lower, let t = history.snapshots[upper - 1].time, t > until { upper -= 1 }
        }
        return lower..<upper
    }
}
