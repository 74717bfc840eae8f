import Testing
@testable import RuleWatchCore

/// The reset detector keeps each chain's counts as runs: a chain whose rules are not all
/// together (one was added later, so its index comes after other chains' rules) still
/// counts all of them.
@Suite struct ResetRunsTests {
    static let header = " pkts bytes target     prot opt in     out     source               destination\n"

    func rule(_ packets: Int, port: Int) -> String {
        " \(packets) \(packets * 60) ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:\(port)\n"
    }

    /// INPUT: two rules, a third added at snapshot 1; FOO: two rules. At snapshot 3 all of
    /// INPUT's counters go down, and one of FOO's.
    func capture() -> String {
        let input: [[Int?]] = [[10, 10, nil], [20, 20, 5], [30, 30, 10], [1, 2, 1], [5, 6, 3]]
        let foo = [[10, 10], [20, 20], [30, 30], [2, 40], [6, 50]]
        var text = ""
        for s in 0..<input.count {
            text += "@\(1_795_514_400 + 60 * s)\nChain INPUT (policy ACCEPT 0 packets, 0 bytes)\n" + Self.header
            for (i, p) in input[s].enumerated() { if let p { text += rule(p, port: i + 1) } }
            text += "\nChain FOO (1 references)\n" + Self.header
            for (i, p) in foo[s].enumerated() { text += rule(p, port: 11 + i) }
            text += "\n"
        }
        return text
    }

    @Test func chainWithARuleAddedLaterCountsAllItsRules() throws {
        var h = CaptureHistory()
        try CaptureParser().parse(bytes: Array(capture().utf8), name: "t", into: &h)
        // The added rule's index comes after FOO's: INPUT's rules arrive in two stretches.
        let input = h.rules.indices.filter { h.chains[h.rules[$0].chain].name == "INPUT" && !h.rules[$0].isPolicy }
        #expect(input.count == 3 && input[2] != input[1] + 1)
        let resets = Analyzer().analyze(h).findings.filter { $0.kind == "reset" }
        let chain = resets.first { $0.chain == "INPUT" }
        #expect(chain?.evidence.contains(EvidenceField("rules_reset", .int(3))) == true)
        #expect(chain?.evidence.contains(EvidenceField("rules_counting", .int(3))) == true)
        #expect(resets.contains { $0.chain == "FOO" && $0.ruleID.count == 12 })
    }
}
