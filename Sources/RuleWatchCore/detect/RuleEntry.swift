/// Everything the analysis says about one rule (or one chain or table, for findings that name
/// no rule): its findings, whether it only carries a culprit's traffic on, and for a culprit
/// what to do next.
public struct RuleEntry: Sendable, Hashable {
    /// Indices into `AnalysisResult.findings`, best first; the first is the entry's lead.
    public var findings: [Int]
    /// The rule ids of the culprits whose traffic this rule carries on downstream (the INPUT
    /// rules that count what a REDIRECT sent to the node): a consequence, not a suspect.
    public var consequenceOf: [String]
    /// For a critical entry: how to confirm and how to undo it.
    public var nextSteps: NextSteps?

    public init(findings: [Int], consequenceOf: [String] = [], nextSteps: NextSteps? = nil) {
        self.findings = findings
        self.consequenceOf = consequenceOf
        self.nextSteps = nextSteps
    }

    public var isConsequence: Bool { !consequenceOf.isEmpty }
}
