extension AnalysisResult {
    /// The same result with only the findings `keep` accepts, its entries renumbered to
    /// match (an entry none of whose findings is kept goes): for a report of a subset, such as
    /// `collect`'s new critical findings, that still groups, explains and advises as the
    /// whole does.
    public func keeping(_ keep: (Finding) -> Bool) -> AnalysisResult {
        var renumbered = [Int](repeating: -1, count: findings.count)
        var kept: [Finding] = []
        for (i, f) in findings.enumerated() where keep(f) {
            renumbered[i] = kept.count
            kept.append(f)
        }
        let entries = self.entries.compactMap { entry -> RuleEntry? in
            var e = entry
            e.findings = entry.findings.compactMap { $0 < renumbered.count && renumbered[$0] >= 0 ? renumbered[$0] : nil }
            return e.findings.isEmpty ? nil : e
        }
        var out = self
        out.findings = kept
        out.entries = entries
        return out
    }
}
