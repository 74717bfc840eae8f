/// `drop-climb`: a DROP or REJECT rule (or a chain's DROP policy) whose rate steps up: the
/// first interval whose rate is `drop-climb-factor` times the median of the intervals before
/// and at least `drop-climb-min-packets`.
struct DropClimbDetector: Detector {
    var climbs: [(rule: Int, at: Int, before: Double, after: Double, packets: UInt64, evidence: [EvidenceValue])] = []

    mutating func observe(_ series: RuleSeries, in context: AnalysisContext) {
        guard series.hasCounters, context.targetClasses[series.rule] == .discard, series.deltas.count >= 2 else { return }
        let t = context.thresholds
        let baseline = Int(t.baselineIntervals.rounded())
        for (i, d) in series.deltas.enumerated() where i >= 1 && d.rose && !d.appeared {
            guard Double(d.packets) >= t.dropClimbMinPackets else { continue }
            let before = series.deltas[max(0, i - baseline)..<i].map(\.rate)
            let reference = EgressDrop.median(before)
            guard d.rate >= t.dropClimbFactor * max(reference, 1e-9) else { continue }
            climbs.append((series.rule, d.snapshot, reference, d.rate, d.packets,
                           ClimbWithEgressDropDetector.deltaEvidence(series, around: d.snapshot, context)))
            return
        }
    }

    mutating func findings(in context: AnalysisContext) -> [Finding] {
        climbs.map { c in
            let r = context.rule(c.rule)
            let factor = ClimbWithEgressDropDetector.factor(c.after, c.before)
            let text = Explanation.action(r, chain: context.chain(of: r), table: context.table(of: r),
                                          targetClass: .discard)
                + " Its rate stepped up \(factor) at \(Explanation.clock(context.time(c.at))) (\(c.packets) packets in that interval)."
            let strength = min(1, (c.before > 0 ? c.after / c.before : 100) / 100)
            return context.finding("drop-climb", .warning, score: 0.45 + 0.15 * strength, rule: c.rule,
                                   since: context.time(c.at), explanation: text,
                                   evidence: [EvidenceField("pps_before", .rounded(c.before)),
                                              EvidenceField("pps_after", .rounded(c.after)),
                                              EvidenceField("packets", .uint(c.packets)),
                                              EvidenceField("deltas", .array(c.evidence))])
        }
    }
}
