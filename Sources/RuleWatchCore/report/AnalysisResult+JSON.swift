extension AnalysisResult {
    /// `{"schema":1,"snapshots":N,"rules":N,"egress_source":S,"findings":[...]}` on one line, findings ranked,
    /// each with `kind`, `severity`, `score`, `rule_id`, `family`, `table`, `chain`, `target`,
    /// `rule`, `since` (ISO 8601 UTC or null), `explanation` and `evidence`; since the findings
    /// were grouped by rule also `entry` (its index in `entries`), `consequence_of` (the
    /// culprits whose traffic the rule only carries on) and, on an entry's lead critical
    /// finding, `next_steps`. Then `entries`, one object per rule in reading order:
    /// `rule_id`, `severity`, `role` (culprit, suspect or consequence), `kinds`, `findings`
    /// (indices), `consequence_of`, `next_steps`. `egress_source` (`csv`, `inline`, `probe`,
    /// `passive` or `none`) names the egress signal they were weighed against, and for
    /// `passive` `egress_namespaces` how many pod namespaces it came from.
    public func json() -> String {
        var w = JSONWriter()
        w.raw("{\"schema\":1,\"snapshots\":\(snapshots),\"rules\":\(rules),")
        w.raw("\"egress_source\":\"\(egressSource.rawValue)\",")
        if egressSource == .passive { w.raw("\"egress_namespaces\":\(egressNamespaces),") }
        w.raw("\"findings\":[")
        var entryOf = [Int](repeating: -1, count: findings.count)
        for (e, entry) in entries.enumerated() { for i in entry.findings where i < findings.count { entryOf[i] = e } }
        for (i, f) in findings.enumerated() {
            if i > 0 { w.raw(",") }
            var added: [EvidenceField] = []
            if entryOf[i] >= 0 {
                let entry = entries[entryOf[i]]
                added.append(EvidenceField("entry", .int(Int64(entryOf[i]))))
                if entry.isConsequence { added.append(EvidenceField("consequence_of", .array(entry.consequenceOf.map { .string($0) }))) }
                if entry.findings.first == i, let steps = entry.nextSteps { added.append(EvidenceField("next_steps", steps.evidence)) }
            }
            w.object([
                EvidenceField("kind", .string(f.kind)),
                EvidenceField("severity", .string(f.severity.rawValue)),
                EvidenceField("score", .rounded(f.score)),
                EvidenceField("rule_id", .string(f.ruleID)),
                EvidenceField("family", .string(f.family)),
                EvidenceField("table", .string(f.table)),
                EvidenceField("chain", .string(f.chain)),
                EvidenceField("target", .string(f.target)),
                EvidenceField("rule", .string(f.rule)),
                EvidenceField("since", .time(f.since)),
                EvidenceField("explanation", .string(f.explanation)),
                EvidenceField("evidence", .object(f.evidence)),
            ] + added)
        }
        w.raw("],\"entries\":[")
        for (e, entry) in entries.enumerated() {
            if e > 0 { w.raw(",") }
            let f = lead(entry)
            var fields = [
                EvidenceField("rule_id", .string(f.ruleID)),
                EvidenceField("severity", .string(f.severity.rawValue)),
                EvidenceField("role", .string(entry.isConsequence ? "consequence" : f.severity == .critical ? "culprit" : "suspect")),
                EvidenceField("kinds", .array(entry.findings.map { .string(findings[$0].kind) })),
                EvidenceField("findings", .array(entry.findings.map { .int(Int64($0)) })),
            ]
            if entry.isConsequence { fields.append(EvidenceField("consequence_of", .array(entry.consequenceOf.map { .string($0) }))) }
            if let steps = entry.nextSteps { fields.append(EvidenceField("next_steps", steps.evidence)) }
            w.object(fields)
        }
        w.raw("]}")
        return w.output
    }
}

extension NextSteps {
    /// `{"confirm":[...],"watch":[...],"undo_confirm":[...],"check":[...],"remove":[...],"note":"..."}`
    var evidence: EvidenceValue {
        .object([
            EvidenceField("confirm", .array(confirm.map { .string($0) })),
            EvidenceField("watch", .array(watch.map { .string($0) })),
            EvidenceField("undo_confirm", .array(undoConfirm.map { .string($0) })),
            EvidenceField("check", .array(check.map { .string($0) })),
            EvidenceField("remove", .array(remove.map { .string($0) })),
            EvidenceField("note", .string(note)),
        ])
    }
}
