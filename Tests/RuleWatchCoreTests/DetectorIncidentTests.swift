import Testing
@testable import RuleWatchCore

/// The model incident end to end: capture text, parser, history, analyzer, report.
@Suite struct DetectorIncidentTests {
    @Test(arguments: IncidentScenario.Format.allCases)
    func bothRedirectsRankFirstAndCritical(format: IncidentScenario.Format) throws {
        let scenario = IncidentScenario(format: format)
        let history = try scenario.history()
        #expect(history.snapshots.count == 10)
        let result = Analyzer().analyze(history)
        let top = Array(result.findings.prefix(2))
        #expect(top.count == 2)
        #expect(top.allSatisfy { $0.severity == .critical && $0.target.uppercased() == "REDIRECT" })
        #expect(Set(top.map(\.rule)).count == 2)
        #expect(top.allSatisfy { $0.since == scenario.time(5) * 1_000_000_000 })
        #expect(result.findings.dropFirst(2).allSatisfy { $0.severity != .critical })
        if top.count < 2 || !top.allSatisfy({ $0.severity == .critical }) { print(result.text()) }
    }

    @Test(arguments: IncidentScenario.Format.allCases)
    func healthyNodeWithBurstAndRewriteRaisesNothingCritical(format: IncidentScenario.Format) throws {
        let scenario = IncidentScenario(format: format, inject: nil, decoyDNATBurstAt: 4, rewriteAt: 6)
        let result = Analyzer().analyze(try scenario.history())
        #expect(!result.hasFinding(atLeast: .critical))
        if result.hasFinding(atLeast: .critical) { print(result.text()) }
    }

    @Test func farOutageBlamesNoRule() throws {
        let scenario = IncidentScenario(inject: nil, farOutageAt: 5)
        let result = Analyzer().analyze(try scenario.history())
        #expect(!result.hasFinding(atLeast: .critical))
        #expect(result.findings.contains { $0.kind == "egress-drop" })
    }

    @Test func reportShowsTheIncident() throws {
        let result = Analyzer().analyze(try IncidentScenario().history())
        print(result.text(color: false, width: 80))
        print(result.json())
        #expect(result.json().hasPrefix("{\"schema\":1,\"snapshots\":10,"))
        #expect(result.text().split(separator: "\n").allSatisfy { $0.count <= 80 })
    }
}
