import Testing
import Foundation
@testable import RuleWatchCore

/// JSON and text reports.
@Suite struct ReportTests {
    @Test func jsonEscapesStrings() throws {
        var w = JSONWriter()
        w.string("a\"b\\c\nd\te\u{01}f\u{7F}/é😀")
        #expect(w.output == "\"a\\\"b\\\\c\\nd\\te\\u0001f\\u007f/é😀\"")
    }

    @Test func jsonIsValidAndComplete() throws {
        var f = Finding(kind: "hazard", severity: .warning, score: 0.5, ruleID: "0123456789ab", family: "ip", table: "nat",
                        chain: "PREROUTING", target: "DNAT", rule: "-A PREROUTING -m comment --comment \"x\\y\n\" -j DNAT",
                        since: 1_795_514_400_000_000_000, explanation: "quote \" here",
                        evidence: [EvidenceField("n", .int(3)), EvidenceField("r", .rounded(1.0 / 3)), EvidenceField("z", .null)])
        f.evidence.append(EvidenceField("list", .array([.bool(true), .string("\u{0}")])))
        let json = AnalysisResult(snapshots: 2, rules: 7, findings: [f]).json()
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        #expect(object["schema"] as? Int == 1)
        #expect(object["snapshots"] as? Int == 2)
        let finding = (object["findings"] as! [[String: Any]])[0]
        for key in ["kind", "severity", "score", "rule_id", "family", "table", "chain", "target", "rule", "since",
                    "explanation", "evidence"] {
            #expect(finding[key] != nil, "missing \(key)")
        }
        #expect(finding["rule"] as? String == f.rule)
        #expect(finding["since"] as? String == "2026-11-24T10:00:00Z")
        #expect((finding["evidence"] as? [String: Any])?["r"] as? Double == 0.333)
    }

    @Test func textFitsTheWidthAndColoursOnlyWhenAsked() throws {
        let result = Analyzer().analyze(try IncidentScenario(format: .listingNames).history())
        let plain = result.text(color: false, width: 80)
        #expect(!plain.contains("\u{1B}"))
        #expect(plain.split(separator: "\n").allSatisfy { $0.count <= 80 })
        #expect(plain.contains("CRITICAL"))
        #expect(result.text(color: true, width: 80).contains("\u{1B}[1;31mCRITICAL"))
        #expect(result.text(width: 60).split(separator: "\n").allSatisfy { $0.count <= 60 })
    }

    @Test func noFindingsSaysSo() {
        #expect(AnalysisResult(snapshots: 3, rules: 10, findings: []).text().contains("no findings"))
    }
}
