extension AnalysisResult {
    /// `{"schema":1,"snapshots":N,"rules":N,"findings":[...]}` on one line, findings ranked,
    /// each with `kind`, `severity`, `score`, `rule_id`, `family`, `table`, `chain`, `target`,
    /// `rule`, `since` (ISO 8601 UTC or null), `explanation` and `evidence`; then
    /// `egress_source` (`csv`, `inline`, `probe`, `passive` or `none`) and, for `passive`,
    /// `egress_namespaces`.
    public func json() -> String {
        var w = JSONWriter()
        w.raw("{\"schema\":1,\"snapshots\":\(snapshots),\"rules\":\(rules),\"findings\":[")
        for (i, f) in findings.enumerated() {
            if i > 0 { w.raw(",") }
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
            ])
        }
        w.raw("],")
        w.raw("\"egress_source\":\"\(egressSource.rawValue)\"")
        if egressSource == .passive { w.raw(",\"egress_namespaces\":\(egressNamespaces)") }
        w.raw("}")
        return w.output
    }
}
