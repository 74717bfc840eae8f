/// One kind of finding. The analyzer walks the rules once, lending each detector every
/// rule's series, then asks each for its findings.
protocol Detector {
    mutating func observe(_ series: RuleSeries, in context: AnalysisContext)
    mutating func findings(in context: AnalysisContext) -> [Finding]
}
