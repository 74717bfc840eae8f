import Foundation
import Testing
@testable import RuleWatchCore

/// One entry per rule, consequences marked, and no wrong blame for a service's burst.
@Suite struct GroupingTests {
    @Test(arguments: IncidentScenario.Format.allCases)
    func serviceBurstAtTheOnsetIsAWarningBelowTheNewRedirects(format: IncidentScenario.Format) throws {
        let scenario = IncidentScenario(format: format, inject: 5, decoyDNATBurstAt: 5)
        let result = Analyzer().analyze(try scenario.history())
        let critical = result.findings.filter { $0.severity == .critical }
        #expect(critical.count == 2 && critical.allSatisfy { $0.target.uppercased() == "REDIRECT" },
                "\(result.text(width: 120))")
        let burst = result.findings.filter { $0.target.uppercased() == "DNAT" && $0.kind == "climb-with-egress-drop" }
        #expect(!burst.isEmpty, "the burst's DNAT made no finding:\n\(result.text(width: 120))")
        for f in burst {
            #expect(f.severity == .warning)
            #expect(f.explanation.contains("established rule") && f.explanation.contains("remote destination"))
            #expect(f.evidence.contains { $0.key == "explained_by" })
        }
    }

    @Test(arguments: IncidentScenario.Format.allCases)
    func everyFindingBelongsToOneEntryAndCulpritsComeFirstWithNextSteps(format: IncidentScenario.Format) throws {
        let result = Analyzer().analyze(try IncidentScenario(format: format).history())
        let all = result.entries.flatMap(\.findings)
        #expect(all.sorted() == Array(result.findings.indices))
        let ids = result.entries.map { result.lead($0).ruleID }.filter { !$0.isEmpty }
        #expect(Set(ids).count == ids.count, "a rule has two entries")
        let first = result.entries.prefix(2)
        #expect(first.allSatisfy { result.lead($0).severity == .critical && $0.nextSteps != nil })
        #expect(result.entries.dropFirst(2).allSatisfy { $0.nextSteps == nil })
        for entry in first {
            let steps = entry.nextSteps!
            let lead = result.lead(entry)
            switch format {
            case .save: #expect(steps.remove == ["iptables -t nat " + lead.rule.replacingOccurrences(of: "-A PREROUTING", with: "-D PREROUTING")])
            case .nft: #expect(steps.remove.first?.hasPrefix("nft delete rule ip nat PREROUTING handle ") == true)
            default: #expect(steps.remove.first?.hasPrefix("iptables -t nat -D PREROUTING ") == true && !steps.check.isEmpty)
            }
            #expect(!steps.confirm.isEmpty && !steps.undoConfirm.isEmpty)
        }
    }

    @Test func inputRulesCarryingTheRedirectedTrafficAreConsequences() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Samples/incident").standardized
        var history = CaptureHistory()
        try CaptureParser().parse(files: [folder.appendingPathComponent("capture.txt").path], into: &history)
        let csv = try Data(contentsOf: folder.appendingPathComponent("egress.csv"))
        let result = Analyzer().analyze(history, egress: try EgressSeries.parseCSV(Array(csv), file: "egress.csv"))
        let culprits = Set(result.entries.prefix(2).map { result.lead($0).ruleID })
        let downstream = result.entries.filter(\.isConsequence)
        #expect(downstream.count == 3)
        for d in downstream {
            let f = result.lead(d)
            #expect(f.table == "filter" && f.chain == "INPUT")
            #expect(Set(d.consequenceOf) == culprits)
        }
        let json = try JSONSerialization.jsonObject(with: Data(result.json().utf8)) as! [String: Any]
        #expect((json["findings"] as! [Any]).count == result.findings.count)
        let roles = (json["entries"] as! [[String: Any]]).map { $0["role"] as! String }
        #expect(roles.prefix(2) == ["culprit", "culprit"] && roles.filter { $0 == "consequence" }.count == 3)
    }
}
