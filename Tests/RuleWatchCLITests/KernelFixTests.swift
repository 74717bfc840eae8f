import Foundation
import Testing

/// The model incident on a real kernel with a service's burst through its DNAT in the very
/// interval egress falls (a retry storm to a far endpoint that keeps answering), and REDIRECT
/// rules whose comments hold markup, shell expansions and terminal escapes. After the capture
/// the culprits' printed remove commands are run in the node's namespace (`IncidentFixture`'s
/// burst run, `make-capture.sh --burst-at-onset --hostile-comments --fix`).
@Suite("Kernel incident: burst at the onset, and the printed fix")
struct KernelFixTests {
    @Test func testBurstAtTheOnsetReallyHappened() throws {
        let run = try IncidentFixture.get().burst
        check(run.truth["burst_interval"] != nil && run.truth["burst_interval"] == run.truth["inject_interval"],
              "the burst is not at the onset: burst_interval=\(run.truth["burst_interval"] ?? "?") "
                  + "inject_interval=\(run.truth["inject_interval"] ?? "?")", run)
    }

    @Test func testServiceBurstAtTheOnsetIsNoCulprit() throws {
        let run = try IncidentFixture.get().burst
        let report = try analyze(run)
        let top = Array(report.findings.prefix(2))
        check(Set(top.compactMap(\.incidentPort)) == [80, 443] && top.allSatisfy(\.isCritical),
              "the top two findings are not the critical REDIRECT rules:\n\(report.top())", run)
        let others = report.findings.filter { $0.isCritical && $0.incidentPort == nil }
        check(others.isEmpty, "critical besides the REDIRECTs:\n\(others.map(\.summary).joined(separator: "\n"))", run)
        // A DNAT that stepped up with the burst is, at most, a warning that says why: an
        // established rule sending traffic on to a remote endpoint, or (when kube-proxy's
        // rewrite fell in the same interval) the new endpoint taking over the old one's traffic.
        for f in report.findings where f.target?.uppercased() == "DNAT" && f.kind == "climb-with-egress-drop" {
            let why = f.explanation ?? ""
            check(f.severity == "warning" && (why.contains("remote destination") || why.contains("It replaced rule")),
                  "the burst's DNAT is not a warning that says why: \(f.summary)\n\(f.explanation ?? "")", run)
        }
    }

    @Test func testEachPrintedRemoveCommandTakesOutExactlyOneCulprit() throws {
        let run = try IncidentFixture.get().burst
        var rules = try ruleLines(run, "fix-before.rules")
        var n = 1
        var removed: [String] = []
        while FileManager.default.fileExists(atPath: run.directory.appendingPathComponent("fix-after-\(n).rules").path) {
            let after = try ruleLines(run, "fix-after-\(n).rules")
            let gone = rules.subtracting(after), added = after.subtracting(rules)
            check(gone.count == 1 && added.isEmpty,
                  "fix command \(n) removed \(gone.sorted()) and added \(added.sorted()); expected one REDIRECT rule gone", run)
            removed += gone
            rules = after
            n += 1
        }
        let ports = Set(removed.compactMap { line -> Int? in
            guard line.contains("REDIRECT") else { return nil }
            return line.contains("47443") ? 443 : line.contains("47080") ? 80 : nil
        })
        check(n - 1 == 2 && ports == [80, 443] && removed.count == 2,
              "the fix removed \(removed) in \(n - 1) commands; expected the two REDIRECT rules", run)
    }

    @Test func testEgressRecoversAfterThePrintedFix() throws {
        let run = try IncidentFixture.get().burst
        let text = try String(contentsOf: run.directory.appendingPathComponent("fix-egress.txt"), encoding: .utf8)
        let numbers = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        check(numbers.count == 2 && numbers[1] > 0 && numbers[0] == numbers[1],
              "egress after the fix: '\(text.trimmingCharacters(in: .whitespacesAndNewlines))' (ok total); expected all ok", run)
    }

    @Test func testTextReportOfHostileCommentsHoldsNoEscapeAndStartsWithTheCulprits() throws {
        let run = try IncidentFixture.get().burst
        let result = try IncidentToolRun.run(["analyze", "capture.txt", "--egress", "egress.csv"], in: run.directory)
        check(result.status == 0, "analyze exited \(result.status): \(result.stderr)", run)
        let bytes = Array(result.stdout.utf8)
        let raw = bytes.filter { ($0 < 0x20 && $0 != 0x0A) || $0 == 0x7F }
        check(raw.isEmpty, "the text report holds raw control bytes \(Set(raw).sorted())", run)
        // The comment's `$(echo INJECTED)` stays whole wherever it is shown.
        check(result.stdout.components(separatedBy: "INJECTED").count == result.stdout.components(separatedBy: "$(echo INJECTED)").count,
              "the comment's shell expansion was cut apart or expanded", run)
        let heads = result.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") && $0.contains("  ") }
        check(heads.count >= 2 && heads.prefix(2).allSatisfy { $0.hasPrefix("CRITICAL  nat/PREROUTING REDIRECT") },
              "the text report does not start with the two REDIRECTs:\n\(result.stdout.prefix(1500))", run)
    }

    /// The page of a real-kernel capture whose REDIRECTs carry the hostile comment, in
    /// headless Chromium: the culprits and their charts are there, the comment is text, no
    /// script ran.
    @Test func testHTMLReportOfHostileCommentsRendersAsTextInChromium() throws {
        let run = try IncidentFixture.get().burst
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        check(chromium != nil, "headless Chromium is needed (apt-get install chromium; .ci/setup installs it)", run)
        guard let chromium else { return }
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("incident.html")
        let result = try IncidentToolRun.run(["analyze", "capture.txt", "--egress", "egress.csv", "--format", "html",
                                              "--output", page.path], in: run.directory)
        check(result.status == 0, "analyze --format html exited \(result.status): \(result.stderr)", run)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--user-data-dir=\(dir.appendingPathComponent("profile").path)", "--dump-dom", page.absoluteString]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let critical = dom.components(separatedBy: "<section class=\"entry critical\"").dropFirst()
        check(critical.count == 2 && critical.allSatisfy { $0.contains("<svg class=\"chart\"") && $0.contains("class=\"onset\"") },
              "the page does not show two critical entries with charts:\n\(dom.prefix(3000))", run)
        check(!dom.contains("<img") && !dom.contains("<script"), "the comment became markup", run)
        check(dom.contains("&lt;img src=x onerror=alert(1)&gt;&lt;/svg&gt;&lt;script&gt;alert(2)&lt;/script&gt;"),
              "the comment is not shown as text", run)
        check(!dom.unicodeScalars.contains { $0.value == 0x1B }, "a raw escape reached the page", run)
    }

    // MARK: - Helpers

    /// The rule lines of a ruleset dump (`-A ...` of iptables-save; nft's statements).
    private func ruleLines(_ run: IncidentRun, _ name: String) throws -> Set<String> {
        let text = try String(contentsOf: run.directory.appendingPathComponent(name), encoding: .utf8)
        return Set(text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("-A ") })
    }

    private func analyze(_ run: IncidentRun) throws -> IncidentReport {
        let result = try IncidentToolRun.run(
            ["analyze", "capture.txt", "--egress", "egress.csv", "--format", "json"], in: run.directory)
        guard result.status == 0 else {
            run.keep()
            throw IncidentFixtureError("analyze exited \(result.status); stderr: \(result.stderr)\n\(run.context)")
        }
        return try JSONDecoder().decode(IncidentReport.self, from: Data(result.stdout.utf8))
    }

    private func check(_ condition: Bool, _ message: @autoclosure () -> String, _ run: IncidentRun,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        guard !condition else { return }
        run.keep()
        Issue.record(Comment(rawValue: "\(message())\n\(run.context)"), sourceLocation: sourceLocation)
    }
}
