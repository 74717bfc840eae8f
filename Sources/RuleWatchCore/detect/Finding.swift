/// Something the analyzer wants a person to look at, with the numbers behind it.
public struct Finding: Sendable, Hashable {
    /// `climb-with-egress-drop`, `new-rule`, `hazard`, `reset`, `drop-climb`, `egress-drop`.
    public var kind: String
    public var severity: Severity
    /// 0...1: how suspicious; findings rank by severity, then score.
    public var score: Double
    /// The rule's short stable id; empty for findings about a chain or table.
    public var ruleID: String
    public var family: String
    public var table: String
    public var chain: String
    public var target: String
    /// The rule as the dump printed it.
    public var rule: String
    /// Nanoseconds since the epoch of the onset; `nil` when the capture has no times.
    public var since: Int64?
    public var explanation: String
    public var evidence: [EvidenceField]
    /// Index into `CaptureHistory.rules`, for rule findings.
    public var ruleIndex: Int?

    public init(kind: String, severity: Severity, score: Double, ruleID: String = "", family: String = "",
                table: String = "", chain: String = "", target: String = "", rule: String = "",
                since: Int64? = nil, explanation: String, evidence: [EvidenceField] = [], ruleIndex: Int? = nil) {
        self.kind = kind; self.severity = severity; self.score = min(1, max(0, score)); self.ruleID = ruleID
        self.family = family; self.table = table; self.chain = chain; self.target = target; self.rule = rule
        self.since = since; self.explanation = explanation; self.evidence = evidence; self.ruleIndex = ruleIndex
    }

    /// Ranking: severity, then score, then the earlier onset, then the rule's text.
    static func ranksBefore(_ a: Finding, _ b: Finding) -> Bool {
        if a.severity != b.severity { return a.severity > b.severity }
        if a.score != b.score { return a.score > b.score }
        if a.since != b.since { return (a.since ?? .max) < (b.since ?? .max) }
        if a.kind != b.kind { return a.kind < b.kind }
        return (a.chain, a.rule, a.ruleID) < (b.chain, b.rule, b.ruleID)
    }
}
