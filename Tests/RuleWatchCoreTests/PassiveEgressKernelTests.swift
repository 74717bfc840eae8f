import Foundation
import Testing
@testable import RuleWatchCore

/// The pods' own TCP counters as the only egress signal, on a real kernel (`_PassiveFixture`).
@Suite struct PassiveEgressKernelTests {
    static let culprits: [PassiveScenario] = [.redirect, .reject, .drop]

    static func figures(_ run: PassiveRun) -> String {
        let est = run.passive.samples
        return (1..<run.truth.count).map { s in
            let pod = run.passive.deltas[s].filter { !$0.isHost }
            let counters = "fails=\(pod.reduce(0) { $0 + $1.fails }) refused=\(pod.reduce(0) { $0 + $1.refused }) synretrans=\(pod.reduce(0) { $0 + $1.synRetrans })"
            return "\(s): pods \(run.truth[s].map { "\($0.ok)/\($0.total)" } ?? "-") estimate \(est[s].map { "\($0.ok)/\($0.total)" } ?? "-") (\(counters))"
        }.joined(separator: "; ")
    }

    @Test(arguments: PassiveScenario.allCases)
    func estimateFollowsThePodsOwnSuccessRateInEveryInterval(_ scenario: PassiveScenario) throws {
        let run = try PassiveFixture.run(scenario)
        let estimate = run.passive
        print("passive \(scenario): \(Self.figures(run))")
        for s in 1..<run.truth.count {
            let truth = try #require(run.truth[s]?.rate)
            let est = try #require(estimate.samples[s]?.rate, "interval \(s) has no estimate")
            #expect(abs(est - truth) <= 0.10, "interval \(s): estimate \(est) against the pods' \(truth); \(Self.figures(run))")
        }
    }

    @Test(arguments: culprits)
    func culpritRanksFirstAsCriticalFromThePassiveSignalAlone(_ scenario: PassiveScenario) throws {
        let run = try PassiveFixture.run(scenario)
        let result = Analyzer().analyze(run.history)
        #expect(result.egressSource == .passive)
        #expect(result.egressLine == "egress: passive, from 1 pod namespace")
        let first = try #require(result.findings.first, "no finding; \(Self.figures(run))")
        #expect(first.severity == .critical, "\(result.text())")
        #expect(first.target == scenario.target, "\(result.text())")
        #expect(first.rule.contains("443"), "\(result.text())")
        let onset = try #require(run.history.snapshots.firstIndex { $0.time == first.since })
        print("passive \(scenario): first \(first.severity.rawValue) \(first.kind) \(first.target) since snapshot \(onset), culprit in interval \(PassiveRun.inject)")
        #expect(abs(onset - PassiveRun.inject) <= 1, "onset at snapshot \(onset), culprit in interval \(PassiveRun.inject); \(result.text())")
        #expect(result.json().contains("\"egress_source\":\"passive\",\"egress_namespaces\":1,\"findings\":["))
    }

    @Test func lossyButWorkingNetworkGivesNoCritical() throws {
        let run = try PassiveFixture.run(.lossy)
        let result = Analyzer().analyze(run.history)
        #expect(result.egressSource == .passive)
        #expect(!result.hasFinding(atLeast: .critical), "\(result.text()); \(Self.figures(run))")
        // The loss was there: SYNs were sent again, yet no interval counts as an outage.
        let retrans = run.passive.deltas.flatMap { $0 }.filter { !$0.isHost }.reduce(0) { $0 + $1.synRetrans }
        #expect(retrans > 0, "the far server's drop never hit a SYN: the test proved nothing")
    }

    @Test func dropCountsInTheIntervalItHappenedNotWhenTheKernelGivesUp() throws {
        let run = try PassiveFixture.run(.drop)
        let after = run.passive.deltas[PassiveRun.inject + 1].filter { !$0.isHost }
        // The kernel gave up on none (the client did first): only retransmissions show it.
        #expect(after.reduce(0) { $0 + $1.fails } == 0)
        #expect(after.reduce(0) { $0 + $1.synRetrans } > 0)
        #expect(try #require(run.passive.samples[PassiveRun.inject + 1]?.rate) < 0.5)
    }
}
