/// `new-rule`: a rule that appears mid-capture (an installer appending rules shows up here
/// first). A warning when it diverts or discards traffic, else info; many ordinary rules
/// appearing in one table at once (a kube-proxy sync) make one finding.
struct NewRuleDetector: Detector {
    var appeared: [(rule: Int, at: Int, packets: UInt64)] = []

    mutating func observe(_ series: RuleSeries, in context: AnalysisContext) {
        guard let at = series.appearedAt else { return }
        appeared.append((series.rule, at, series.packets.last.map(\.printed) ?? 0))
    }

    mutating func findings(in context: AnalysisContext) -> [Finding] {
        var out: [Finding] = []
        var ordinary: [String: [(rule: Int, at: Int, packets: UInt64)]] = [:]
        for a in appeared {
            let r = context.rule(a.rule)
            let cls = context.targetClasses[a.rule]
            if cls.isHarmful || context.isHazard(a.rule) {
                let text = "Appeared at \(Explanation.clock(context.time(a.at))). "
                    + Explanation.action(r, chain: context.chain(of: r), table: context.table(of: r), targetClass: cls)
                out.append(context.finding("new-rule", .warning, score: context.isHazard(a.rule) ? 0.5 : 0.45,
                                           rule: a.rule, since: context.time(a.at), explanation: text,
                                           evidence: [EvidenceField("appeared", .time(context.time(a.at))),
                                                      EvidenceField("position", .int(Int64(r.firstPosition))),
                                                      EvidenceField("packets", .uint(a.packets))]))
            } else {
                ordinary["\(r.table)/\(a.at)", default: []].append(a)
            }
        }
        for (_, group) in ordinary {
            if group.count <= 5 {
                for a in group {
                    let r = context.rule(a.rule)
                    out.append(context.finding("new-rule", .info, score: 0.2, rule: a.rule, since: context.time(a.at),
                                               explanation: "Appeared at \(Explanation.clock(context.time(a.at))). "
                                                   + Explanation.action(r, chain: context.chain(of: r), table: context.table(of: r),
                                                                        targetClass: context.targetClasses[a.rule]),
                                               evidence: [EvidenceField("appeared", .time(context.time(a.at))),
                                                          EvidenceField("position", .int(Int64(r.firstPosition))),
                                                          EvidenceField("packets", .uint(a.packets))]))
                }
            } else {
                let first = context.rule(group[0].rule)
                let t = context.table(of: first)
                let chains = Set(group.map { context.history.chains[context.rule($0.rule).chain].name }).sorted()
                let at = group[0].at
                out.append(Finding(kind: "new-rule", severity: .info, score: 0.15, family: t.family.rawValue,
                                   table: t.name, chain: chains.count == 1 ? chains[0] : "*", since: context.time(at),
                                   explanation: "\(group.count) rules appeared in table \(t.name) at \(Explanation.clock(context.time(at))), none of them diverting or discarding traffic (a rewrite of \(chains.count) chain\(chains.count == 1 ? "" : "s"), such as a kube-proxy sync).",
                                   evidence: [EvidenceField("rules", .int(Int64(group.count))),
                                              EvidenceField("chains", .array(chains.prefix(20).map { .string($0) }))]))
            }
        }
        return out
    }
}
