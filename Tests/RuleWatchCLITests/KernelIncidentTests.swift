import Foundation
import Testing

/// The model incident on a real kernel: pod egress to :80/:443 lost to two REDIRECT rules an
/// installer appended to nat PREROUTING, and a healthy node with a legitimate DNAT burst and a
/// kube-proxy rewrite. Both captures are made once (`IncidentFixture`), with a seed that picks
/// formats, timing and decoys; needs root, iproute2, iptables, nft and python3, and fails
/// (never skips) without them.
@Suite("Kernel incident")
struct KernelIncidentTests {
    @Test func testCaptureReallyLosesEgressAfterTheInjection() throws {
        let run = try IncidentFixture.get().incident
        let k = try #require(run.injectInterval, "truth.txt has no inject_interval; \(run.context)")
        #expect(run.egress.count == IncidentFixture.intervals, "egress rows; \(run.context)")
        for (i, row) in run.egress.enumerated() {
            if i < k {
                #expect(row.total > 0 && row.ok == row.total, "interval \(i) before the injection: ok=\(row.ok) total=\(row.total); \(run.context)")
            } else {
                #expect(row.total > 0 && row.ok == 0, "interval \(i) after the injection: ok=\(row.ok) total=\(row.total); \(run.context)")
            }
        }
    }

    @Test func testBothRedirectRulesRankFirstAndCritical() throws {
        let run = try IncidentFixture.get().incident
        let report = try analyze(run)
        let message = "findings:\n\(report.top())\n\(run.context)"
        try #require(report.findings.count >= 2, "fewer than two findings; \(message)")
        let top = Array(report.findings.prefix(2))
        #expect(Set(top.compactMap(\.incidentPort)) == [80, 443],
                "the top two findings are not the REDIRECT rules for :80 and :443; \(message)")
        for finding in top {
            #expect(finding.isCritical, "not critical: \(finding.summary); \(message)")
            #expect(finding.table?.lowercased() == "nat" && finding.chain == "PREROUTING",
                    "not nat/PREROUTING: \(finding.summary); \(message)")
        }
    }

    @Test func testOnsetIsWithinTwoIntervalsOfTheInjection() throws {
        let run = try IncidentFixture.get().incident
        let report = try analyze(run)
        let k = try #require(run.injectInterval, "truth.txt has no inject_interval; \(run.context)")
        try #require(run.egress.count > k, "egress.csv is short; \(run.context)")
        // The rules went in between snapshots k-1 and k; allow two intervals either side.
        let slack = 2 * run.intervalSeconds + 1
        let earliest = run.egress[k - 1].time.addingTimeInterval(-slack)
        let latest = run.egress[k].time.addingTimeInterval(slack)
        for finding in report.findings.prefix(2) where finding.incidentPort != nil {
            let since = try #require(finding.since.flatMap(parseISO8601),
                                     "no readable since: \(finding.summary); \(run.context)")
            #expect(since >= earliest && since <= latest,
                    "onset \(finding.since ?? "") is not within two intervals of the injection (snapshot \(k), \(run.egress[k].time)): \(finding.summary); \(run.context)")
        }
    }

    @Test func testIncidentRaisesNothingElseCritical() throws {
        let run = try IncidentFixture.get().incident
        let report = try analyze(run)
        let others = report.findings.filter { $0.isCritical && $0.incidentPort == nil }
        #expect(others.isEmpty,
                "critical findings besides the REDIRECT rules:\n\(others.map { "  \($0.summary)" }.joined(separator: "\n"))\n\(run.context)")
    }

    @Test func testHealthyNodeRaisesNothingCritical() throws {
        let run = try IncidentFixture.get().healthy
        let report = try analyze(run)
        let critical = report.findings.filter(\.isCritical)
        #expect(critical.isEmpty,
                "critical findings on a healthy node (burst at \(run.truth["burst_interval"] ?? "?"), rewrite at \(run.truth["rewrite_interval"] ?? "?")):\n\(critical.map { "  \($0.summary)" }.joined(separator: "\n"))\n\(run.context)")
    }

    @Test(arguments: [("incident", Int32(1)), ("healthy", Int32(0))])
    func testFailOnCriticalExitStatus(scenario: String, expected: Int32) throws {
        let fixture = try IncidentFixture.get()
        let run = scenario == "incident" ? fixture.incident : fixture.healthy
        let result = try RuleWatchResult.run(
            ["analyze", "capture.txt", "--egress", "egress.csv", "--fail-on", "critical"], in: run.directory)
        if result.status != expected { run.keep() }
        #expect(result.status == expected,
                "analyze --fail-on critical exited \(result.status), expected \(expected); stderr: \(result.stderr)\nstdout:\n\(result.stdout)\n\(run.context)")
    }

    @Test(arguments: ["incident", "healthy"])
    func testParseSummaryCountsEverySnapshot(scenario: String) throws {
        let fixture = try IncidentFixture.get()
        let run = scenario == "incident" ? fixture.incident : fixture.healthy
        let result = try RuleWatchResult.run(["parse", "--summary", "capture.txt"], in: run.directory)
        let snapshots = result.stdout.split(whereSeparator: \.isWhitespace)
            .first { $0.hasPrefix("snapshots=") }.flatMap { Int($0.dropFirst("snapshots=".count)) }
        if result.status != 0 || snapshots != IncidentFixture.intervals { run.keep() }
        #expect(result.status == 0, "parse --summary exited \(result.status); stderr: \(result.stderr)\n\(run.context)")
        #expect(snapshots == IncidentFixture.intervals,
                "parse --summary said '\(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))', expected snapshots=\(IncidentFixture.intervals); \(run.context)")
    }

    // MARK: - Helpers

    /// `rulewatch analyze capture.txt --egress egress.csv --format json`, decoded; keeps the
    /// capture on disk whenever the caller is likely to fail.
    private func analyze(_ run: IncidentRun) throws -> AnalysisReport {
        let result = try RuleWatchResult.run(
            ["analyze", "capture.txt", "--egress", "egress.csv", "--format", "json"], in: run.directory)
        run.keep()
        guard result.status == 0 else {
            throw IncidentFixtureError("analyze exited \(result.status); stderr: \(result.stderr)\n\(run.context)")
        }
        do {
            let report = try JSONDecoder().decode(AnalysisReport.self, from: Data(result.stdout.utf8))
            if verdictIsRight(report, run) { IncidentRun.kept.withLock { _ in } }
            return report
        } catch {
            throw IncidentFixtureError("analyze printed no readable JSON (\(error)):\n\(result.stdout.prefix(2000))\n\(run.context)")
        }
    }

    private func verdictIsRight(_ report: AnalysisReport, _ run: IncidentRun) -> Bool { true }
}
