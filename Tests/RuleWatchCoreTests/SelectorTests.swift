import Testing
@testable import RuleWatchCore

/// Selectors and the config file.
@Suite struct SelectorTests {
    let dnat = Finding(kind: "hazard", severity: .warning, score: 0.5, ruleID: "3f2a9c01b4de", family: "ip",
                       table: "nat", chain: "PREROUTING", target: "DNAT",
                       rule: "udp -- * * 0.0.0.0/0 10.96.0.10 udp dpt:53 to:10.244.0.5:53", explanation: "")

    @Test func tableChainTargetAndRegex() throws {
        #expect(try RuleSelector(parsing: "nat/PREROUTING").matches(dnat))
        #expect(try RuleSelector(parsing: "nat/PREROUTING/DNAT").matches(dnat))
        #expect(try RuleSelector(parsing: "*/PREROUTING/*").matches(dnat))
        #expect(try RuleSelector(parsing: "nat/PREROUTING/DNAT~10\\.96\\.0\\.10").matches(dnat))
        #expect(!(try RuleSelector(parsing: "nat/PREROUTING/DNAT~10\\.96\\.0\\.11").matches(dnat)))
        #expect(!(try RuleSelector(parsing: "filter/PREROUTING").matches(dnat)))
        #expect(!(try RuleSelector(parsing: "nat/OUTPUT/DNAT").matches(dnat)))
    }

    @Test func ruleIDAndPrefix() throws {
        #expect(try RuleSelector(parsing: "3f2a9c01b4de").matches(dnat))
        #expect(try RuleSelector(parsing: "3F2A9C").matches(dnat))
        #expect(!(try RuleSelector(parsing: "3f2a9c01b4df").matches(dnat)))
    }

    @Test func badSelectorsAreRejected() {
        for bad in ["nat", "nat/", "/PREROUTING", "a/b/c/d", "nat/PREROUTING~(", "xyz"] {
            #expect(throws: RuleSelector.ParseError.self) { try RuleSelector(parsing: bad) }
        }
    }

    @Test func configFileReadsIgnoresAndThresholds() throws {
        let text = """
        # known DNAT
        ignore nat/PREROUTING/DNAT~10\\.96\\.0\\.10

        threshold egress-drop 0.3
        threshold step-factor 5
        """
        let config = try AnalyzerConfig.parse(Array(text.utf8), file: "rw.conf")
        #expect(config.ignores.count == 1)
        #expect(config.ignores[0].matches(dnat))
        #expect(config.thresholds.egressDrop == 0.3)
        #expect(config.thresholds.stepFactor == 5)
    }

    @Test func configErrorsNameTheLine() {
        for (text, line) in [("threshold nope 1", 1), ("\nignore", 2), ("frobnicate x", 1), ("threshold egress-drop x", 1)] {
            do {
                _ = try AnalyzerConfig.parse(Array(text.utf8), file: "rw.conf")
                Issue.record("accepted '\(text)'")
            } catch let e as CaptureError {
                #expect(e.exitStatus == 65)
                #expect(e.diagnostic.line == line)
            } catch { Issue.record("\(error)") }
        }
    }

    @Test func ignoreDropsTheIncidentRule() throws {
        let history = try IncidentScenario().history()
        let all = Analyzer().analyze(history).findings
        let id = all[0].ruleID
        let filtered = Analyzer().analyze(history, filter: AnalysisFilter(ignores: [try RuleSelector(parsing: id)])).findings
        #expect(!filtered.contains { $0.ruleID == id })
        #expect(filtered.count < all.count)
    }
}
