/// `hazard`: the static check. A diverting rule that egress traffic passes and that catches
/// the common egress ports or all TCP (see `AnalysisContext.isHazard`). A warning alone;
/// when the rule also climbs as egress falls the critical finding carries it instead.
struct HazardDetector: Detector {
    var hazards: [(rule: Int, packets: UInt64, first: Int)] = []

    mutating func observe(_ series: RuleSeries, in context: AnalysisContext) {
        guard context.isHazard(series.rule) else { return }
        hazards.append((series.rule, series.hasCounters ? series.packets.last!.printed : 0, series.snapshots[0]))
    }

    mutating func findings(in context: AnalysisContext) -> [Finding] {
        hazards.map { h in
            let r = context.rule(h.rule)
            let ports = r.traits.egressPortsCaught.map(String.init).joined(separator: ", ")
            let what = r.traits.catchesAllTCP ? "all TCP" : "egress port\(r.traits.egressPortsCaught.count == 1 ? "" : "s") \(ports)"
            let text = Explanation.action(r, chain: context.chain(of: r), table: context.table(of: r),
                                          targetClass: context.targetClasses[h.rule])
                + " It catches \(what) from any source and interface: if nothing serves \(Explanation.portPhrase(r.traits.divertsTo)), that traffic fails."
            return context.finding("hazard", .warning, score: 0.55, rule: h.rule, since: context.time(h.first),
                                   explanation: text,
                                   evidence: [EvidenceField("ports", .array(r.traits.egressPortsCaught.map { .int(Int64($0)) })),
                                              EvidenceField("all_tcp", .bool(r.traits.catchesAllTCP)),
                                              EvidenceField("hook", context.chain(of: r).hook.map { .string($0) } ?? .null),
                                              EvidenceField("diverts_to", r.traits.divertsTo.map { .string($0) } ?? .null),
                                              EvidenceField("packets", .uint(h.packets))])
        }
    }
}
