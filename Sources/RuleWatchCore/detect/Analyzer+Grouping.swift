extension Analyzer {
    /// One entry per rule, in reading order: critical entries, then the other warnings, then
    /// the rules that only carry a culprit's traffic on, then the rest.
    ///
    /// A rule is a consequence when it lets through or jumps on (it does not divert or
    /// discard), its counter climbed with egress's fall in the interval a culprit's did, and it
    /// sits where the culprit sends traffic: INPUT (or a chain of the table reached only from
    /// there, in another table) for a REDIRECT or TPROXY to the node, FORWARD, INPUT or POSTROUTING for a DNAT.
    static func entries(_ findings: [Finding], _ context: AnalysisContext) -> [RuleEntry] {
        var entries = RuleEntry.grouping(findings)
        struct Culprit { var id: String; var table: Int; var onset: Int; var downstream: Set<String> }
        var culprits: [Culprit] = []
        for (e, entry) in entries.enumerated() {
            let lead = findings[entry.findings[0]]
            guard lead.severity == .critical, let rule = lead.ruleIndex else { continue }
            let r = context.rule(rule)
            entries[e].nextSteps = NextSteps.commands(for: r, chain: context.chain(of: r), table: context.table(of: r))
            guard context.targetClasses[rule] == .divert, let onset = snapshot(at: lead.since, context) else { continue }
            let local = r.target.uppercased() != "DNAT" && r.target.lowercased() != "dnat"
            culprits.append(Culprit(id: r.id, table: r.table, onset: onset,
                                    downstream: local ? ["input"] : ["forward", "input", "postrouting"]))
        }
        guard !culprits.isEmpty else { return ordered(entries, findings) }
        for (e, entry) in entries.enumerated() {
            let lead = findings[entry.findings[0]]
            guard lead.severity < .critical, let rule = lead.ruleIndex,
                  let climb = entry.findings.map({ findings[$0] }).first(where: { $0.kind == "climb-with-egress-drop" }),
                  let onset = snapshot(at: climb.since, context) else { continue }
            let r = context.rule(rule)
            let cls = context.targetClasses[rule]
            guard !cls.isHarmful, !r.isPolicy else { continue }
            let chain = context.chain(of: r)
            entries[e].consequenceOf = culprits.filter { c in
                guard abs(c.onset - onset) <= 1 else { return false }
                if let hook = chain.hook { return c.downstream.contains(hook) }
                // A chain of another table (filter's KUBE-EXTERNAL-SERVICES behind INPUT): the
                // culprit's own table decided the packet's fate once, so its chains carry
                // nothing of what it diverted.
                return r.table != c.table && !context.reachedFromPreroutingOrOutput[r.chain]
            }.map(\.id)
        }
        return ordered(entries, findings)
    }

    private static func ordered(_ entries: [RuleEntry], _ findings: [Finding]) -> [RuleEntry] {
        func band(_ e: RuleEntry) -> Int {
            switch findings[e.findings[0]].severity {
            case .critical: return 0
            case .warning: return e.isConsequence ? 2 : 1
            case .info: return e.isConsequence ? 2 : 3
            }
        }
        return entries.enumerated().sorted { a, b in
            let (x, y) = (band(a.element), band(b.element))
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }

    /// The snapshot taken at `time`, if one was.
    static func snapshot(at time: Int64?, _ context: AnalysisContext) -> Int? {
        guard let time else { return nil }
        return context.window.first { context.time($0) == time }
    }
}
