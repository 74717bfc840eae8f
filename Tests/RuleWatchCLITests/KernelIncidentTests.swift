import Foundation
import Testing

/// The model incident on a real kernel: pod egress to :80/:443 lost to two REDIRECT rules an
/// installer appended to nat PREROUTING; a healthy node with a legitimate DNAT burst and a
/// kube-proxy rewrite that resets counters; and an outage of the far servers, where egress
/// falls but no rule is to blame. The captures are made once (`IncidentFixture`) with a seed
/// that picks formats, timing and decoys. Needs root, iproute2, iptables, nft and
/// python3, and fails (never skips) without them.
@Suite("Kernel incident")
struct KernelIncidentTests {
    @Test func testCaptureReallyLosesEgressAfterTheInjection() throws {
        let run = try IncidentFixture.get().incident
        let k = try injectInterval(run)
        check(run.egress.count == IncidentFixture.intervals,
              "egress.csv has \(run.egress.count) rows, expected \(IncidentFixture.intervals)", run)
        for (i, row) in run.egress.enumerated() {
            // Every :80/:443 attempt fails after it; :8080 ones, when the seed adds them, do not.
            let healthy = row.total > 0 && row.ok == row.total
            let lost = row.total > run.untouchedAttempts && row.ok <= run.untouchedAttempts
            check(i < k ? healthy : lost,
                  "interval \(i) \(i < k ? "before" : "after") the injection: ok=\(row.ok) total=\(row.total)", run)
        }
    }

    @Test func testBothRedirectRulesRankFirstAndCritical() throws {
        let run = try IncidentFixture.get().incident
        let report = try analyze(run)
        let top = Array(report.findings.prefix(2))
        check(Set(top.compactMap(\.incidentPort)) == [80, 443] && top.count == 2,
              "the top two findings are not the REDIRECT rules for :80 and :443:\n\(report.top())", run)
        for finding in top where finding.incidentPort != nil {
            check(finding.isCritical, "not critical: \(finding.summary)", run)
            check(finding.table?.lowercased() == "nat" && finding.chain == "PREROUTING",
                  "not in nat PREROUTING: \(finding.summary)", run)
        }
    }

    @Test func testOnsetIsWithinTwoIntervalsOfTheInjection() throws {
        let run = try IncidentFixture.get().incident
        let report = try analyze(run)
        let k = try injectInterval(run)
        // The rules went in between snapshots k-1 and k; two intervals either side (and a
        // second for timestamps without fractions) is the tolerance.
        let slack = 2 * run.intervalSeconds + 1
        let earliest = run.egress[k - 1].time.addingTimeInterval(-slack)
        let latest = run.egress[k].time.addingTimeInterval(slack)
        let redirects = report.findings.filter { $0.incidentPort != nil }
        check(!redirects.isEmpty, "no finding names the REDIRECT rules:\n\(report.top())", run)
        for finding in redirects.prefix(2) {
            guard let since = finding.since.flatMap(incidentParseISO8601) else {
                check(false, "no readable since: \(finding.summary)", run)
                continue
            }
            check(since >= earliest && since <= latest,
                  "onset \(finding.since ?? "") is not within two intervals of the injection "
                      + "(snapshot \(k) at \(run.egress[k].time)): \(finding.summary)", run)
        }
    }

    @Test func testIncidentRaisesNothingElseCritical() throws {
        let run = try IncidentFixture.get().incident
        let report = try analyze(run)
        let others = report.findings.filter { $0.isCritical && $0.incidentPort == nil }
        check(others.isEmpty,
              "critical findings besides the REDIRECT rules:\n\(others.map { "  \($0.summary)" }.joined(separator: "\n"))",
              run)
    }

    @Test func testHealthyNodeRaisesNothingCritical() throws {
        let run = try IncidentFixture.get().healthy
        let report = try analyze(run)
        let critical = report.findings.filter(\.isCritical)
        check(critical.isEmpty,
              "critical findings on a healthy node (burst at snapshot \(run.truth["burst_interval"] ?? "?"), "
                  + "rewrite at \(run.truth["rewrite_interval"] ?? "?")):\n"
                  + critical.map { "  \($0.summary)" }.joined(separator: "\n"),
              run)
    }

    @Test func testOutageBlamesNoRule() throws {
        let run = try IncidentFixture.get().outage
        let report = try analyze(run)
        let critical = report.findings.filter(\.isCritical)
        check(critical.isEmpty,
              "critical findings although only the servers went away (at snapshot \(run.truth["outage_interval"] ?? "?")):\n"
                  + critical.map { "  \($0.summary)" }.joined(separator: "\n"),
              run)
    }

    @Test(arguments: [("incident", Int32(1)), ("healthy", Int32(0)), ("outage", Int32(0))])
    func testFailOnCriticalExitStatus(scenario: String, expected: Int32) throws {
        let run = try IncidentFixture.get().run(scenario)
        let result = try IncidentToolRun.run(
            ["analyze", "capture.txt", "--egress", "egress.csv", "--fail-on", "critical"], in: run.directory)
        check(result.status == expected,
              "analyze --fail-on critical exited \(result.status), expected \(expected); "
                  + "stderr: \(result.stderr)\nstdout:\n\(result.stdout)", run)
    }

    @Test(arguments: IncidentFixture.scenarios)
    func testParseSummaryCountsEverySnapshot(scenario: String) throws {
        let run = try IncidentFixture.get().run(scenario)
        let result = try IncidentToolRun.run(["parse", "--summary", "capture.txt"], in: run.directory)
        let snapshots = result.stdout.split(whereSeparator: \.isWhitespace)
            .first { $0.hasPrefix("snapshots=") }.flatMap { Int($0.dropFirst("snapshots=".count)) }
        check(result.status == 0 && snapshots == IncidentFixture.intervals,
              "parse --summary exited \(result.status) saying '\(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))', "
                  + "expected snapshots=\(IncidentFixture.intervals); stderr: \(result.stderr)", run)
    }

    /// The bundled sample needs no kernel: it must keep saying what its README says.
    @Test func testBundledSampleNamesBothRedirectsAtTheOnset() throws {
        let sample = IncidentFixture.script.deletingLastPathComponent()
        let truthText = try String(contentsOf: sample.appendingPathComponent("truth.txt"), encoding: .utf8)
        let onset = try #require(IncidentRun.Started.keyValues(truthText)["first_snapshot_with_rules_at"])
        let result = try IncidentToolRun.run(
            ["analyze", "capture.txt", "--egress", "egress.csv", "--format", "json"], in: sample)
        #expect(result.status == 0, "analyze on Samples/incident exited \(result.status): \(result.stderr)")
        let report = try JSONDecoder().decode(IncidentReport.self, from: Data(result.stdout.utf8))
        let top = Array(report.findings.prefix(2))
        #expect(Set(top.compactMap(\.incidentPort)) == [80, 443] && top.allSatisfy(\.isCritical),
                "Samples/incident: the top two findings are not the critical REDIRECT rules:\n\(report.top())")
        #expect(top.allSatisfy { $0.since == onset }, "Samples/incident: onset is not \(onset):\n\(report.top())")
        #expect(report.findings.dropFirst(2).allSatisfy { !$0.isCritical },
                "Samples/incident: more than two critical findings:\n\(report.top(10))")
    }

    // MARK: - Helpers

    /// `rulewatch analyze capture.txt --egress egress.csv --format json`, decoded.
    private func analyze(_ run: IncidentRun) throws -> IncidentReport {
        let result = try IncidentToolRun.run(
            ["analyze", "capture.txt", "--egress", "egress.csv", "--format", "json"], in: run.directory)
        guard result.status == 0 else {
            run.keep()
            throw IncidentFixtureError("analyze exited \(result.status); stderr: \(result.stderr)\n\(run.context)")
        }
        do {
            return try JSONDecoder().decode(IncidentReport.self, from: Data(result.stdout.utf8))
        } catch {
            run.keep()
            throw IncidentFixtureError("analyze printed no readable JSON (\(error)):\n\(result.stdout.prefix(2000))\n\(run.context)")
        }
    }

    private func injectInterval(_ run: IncidentRun) throws -> Int {
        guard let k = run.injectInterval, k >= 1, k < run.egress.count else {
            run.keep()
            throw IncidentFixtureError("truth.txt has no usable inject_interval (egress rows: \(run.egress.count)); \(run.context)")
        }
        return k
    }

    /// Records a failure that names the seed and keeps the capture for a look.
    private func check(_ condition: Bool, _ message: @autoclosure () -> String, _ run: IncidentRun,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        guard !condition else { return }
        run.keep()
        Issue.record(Comment(rawValue: "\(message())\n\(run.context)"), sourceLocation: sourceLocation)
    }
}
