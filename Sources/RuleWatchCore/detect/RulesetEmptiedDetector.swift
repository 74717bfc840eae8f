/// `ruleset-emptied` and `ruleset-restored`: every rule gone at once, and back again.
///
/// A snapshot with no rules after one with rules is the ruleset flushed (`nft flush
/// ruleset`, `iptables -F` on every table, a failed restore) or a dump command that printed
/// nothing: either way nothing is known to filter traffic from then on, so it is critical.
/// The first snapshot with rules after it is a restore: the rules that come back keep their
/// series (they are not new rules), and the finding says how many came back and how many
/// are new. Snapshots, not series, decide this: it costs a pass over the snapshots' samples
/// only where one may be empty.
struct RulesetEmptiedDetector: Detector {
    mutating func observe(_ series: RuleSeries, in context: AnalysisContext) {}

    mutating func findings(in context: AnalysisContext) -> [Finding] {
        let history = context.history
        let window = context.window
        guard window.count >= 2 else { return [] }
        var isRule = [Bool](repeating: false, count: history.rules.count)
        for (i, r) in history.rules.enumerated() { isRule[i] = !r.isPolicy && !r.isObject }
        let counts = history.shownRuleCounts(in: window, counted: isRule)
        /// The rules snapshot `s` showed (policies and counter objects left out).
        func rules(_ s: Int) -> [Int] { history.shownRules(at: s).filter { isRule[$0] } }
        /// Without a rule: only policies and objects, or nothing, shown.
        func isEmpty(_ s: Int) -> Bool { counts[s - window.lowerBound] == 0 }

        var out: [Finding] = []
        var s = window.lowerBound + 1
        while s < window.upperBound {
            guard isEmpty(s), !isEmpty(s - 1) else {
                s += 1
                continue
            }
            let before = s - 1
            let lost = rules(before)
            var back = s + 1
            while back < window.upperBound, isEmpty(back) { back += 1 }
            let restored = back < window.upperBound ? back : nil
            out.append(emptiedFinding(context, at: s, before: before, lost: lost, restoredAt: restored))
            if let restored { out.append(restoredFinding(context, at: restored, emptiedAt: s, lost: lost)) }
            s = back + 1
        }
        return out
    }

    /// Table names (`inet filter`, `nat`) of the tables `rules` belong to, in first-seen order.
    private func tables(_ context: AnalysisContext, _ rules: [Int]) -> [String] {
        var seen = Set<Int>()
        var names: [String] = []
        for r in rules where seen.insert(context.history.rules[r].table).inserted {
            let t = context.history.tables[context.history.rules[r].table]
            names.append(t.family == .ip ? t.name : "\(t.family.rawValue) \(t.name)")
        }
        return names
    }

    private func emptiedFinding(_ context: AnalysisContext, at s: Int, before: Int, lost: [Int],
                                restoredAt: Int?) -> Finding {
        let history = context.history
        let names = tables(context, lost)
        let shown = history.snapshots[s].tables
        let how = shown.isEmpty
            ? "the dump printed no table at all: the ruleset was emptied (nft flush ruleset, or every table deleted), or the dump command printed nothing"
            : "its tables are still there but hold no rule: every rule was flushed"
        let until = restoredAt.map { "; the rules came back at \(Explanation.clock(context.time($0)))" }
            ?? "; no later snapshot shows them again"
        let text = "At \(Explanation.clock(context.time(s))) (snapshot \(s + 1)) \(how). "
            + "The snapshot before, at \(Explanation.clock(context.time(before))), showed \(lost.count) rule\(lost.count == 1 ? "" : "s") "
            + "in \(names.count == 1 ? "table" : "tables") \(names.joined(separator: ", ")): "
            + "none of them filters, diverts or counts traffic while the ruleset is empty\(until)."
        let first = lost.first.map { context.history.tables[context.history.rules[$0].table] }
        return Finding(kind: "ruleset-emptied", severity: .critical, score: 0.95,
                       family: names.count == 1 ? first?.family.rawValue ?? "" : "",
                       table: names.count == 1 ? first?.name ?? "*" : "*", chain: "*",
                       since: context.time(s), explanation: text,
                       evidence: [EvidenceField("snapshot", .int(Int64(s + 1))),
                                  EvidenceField("last_full", .time(context.time(before))),
                                  EvidenceField("rules_lost", .int(Int64(lost.count))),
                                  EvidenceField("tables_lost", .array(names.map { .string($0) })),
                                  EvidenceField("tables_shown", .int(Int64(shown.count))),
                                  EvidenceField("restored", .time(restoredAt.flatMap { context.time($0) }))])
    }

    private func restoredFinding(_ context: AnalysisContext, at r: Int, emptiedAt s: Int, lost: [Int]) -> Finding {
        let history = context.history
        let now = Set(history.shownRules(at: r)).filter { !history.rules[$0].isPolicy && !history.rules[$0].isObject }
        let cameBack = lost.filter { now.contains($0) }.count
        let fresh = now.count - cameBack
        let names = tables(context, Array(now))
        var text = "At \(Explanation.clock(context.time(r))) (snapshot \(r + 1)) the ruleset came back after being empty since \(Explanation.clock(context.time(s))): "
            + "\(cameBack) of the \(lost.count) rules lost are there again"
        text += fresh > 0 ? ", and \(fresh) rule\(fresh == 1 ? " is" : "s are") new." : "."
        text += " Rules that came back keep their history; their counters start again from zero if the ruleset was reloaded."
        let table = names.count == 1 ? now.first.map { history.tables[history.rules[$0].table] } : nil
        return Finding(kind: "ruleset-restored", severity: .warning, score: 0.5,
                       family: table?.family.rawValue ?? "", table: table?.name ?? "*", chain: "*",
                       since: context.time(r), explanation: text,
                       evidence: [EvidenceField("snapshot", .int(Int64(r + 1))),
                                  EvidenceField("emptied", .time(context.time(s))),
                                  EvidenceField("rules_back", .int(Int64(cameBack))),
                                  EvidenceField("rules_lost", .int(Int64(lost.count))),
                                  EvidenceField("rules_new", .int(Int64(fresh)))])
    }
}
