import Testing
@testable import RuleWatchCore

/// A whole chain rewritten at once (kube-proxy) against one rule replaced.
@Suite struct ResetTests {
    func save(_ counts: [Int], svc: [Int]) -> String {
        var out = "*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SVC-A - [0:0]\n"
        for (i, c) in counts.enumerated() {
            out += "[\(c):\(c * 60)] -A PREROUTING -p tcp -m tcp --dport \(8000 + i) -j ACCEPT\n"
        }
        for (i, c) in svc.enumerated() {
            out += "[\(c):\(c * 60)] -A KUBE-SVC-A -m statistic --mode random --probability 0.5 -p tcp --dport \(9000 + i) -j ACCEPT\n"
        }
        return out + "COMMIT\n"
    }

    func analyze(_ snapshots: [String]) throws -> [Finding] {
        var text = ""
        for (i, s) in snapshots.enumerated() { text += "@\(1_795_514_400 + i * 60)\n" + s }
        var h = CaptureHistory()
        try CaptureParser().parse(bytes: Array(text.utf8), name: "t", into: &h)
        return Analyzer().analyze(h).findings.filter { $0.kind == "reset" }
    }

    @Test func chainRewrittenAtOnceIsOneChainFinding() throws {
        let f = try analyze([save([100, 200], svc: [50, 60, 70]), save([150, 250], svc: [1, 2, 3])])
        #expect(f.count == 1)
        #expect(f.first?.chain == "KUBE-SVC-A")
        #expect(f.first?.ruleID == "")
        #expect(f.allSatisfy { $0.severity == .info })
    }

    @Test func oneRuleReplacedIsARuleFinding() throws {
        let f = try analyze([save([100, 200], svc: [50, 60, 70]), save([3, 250], svc: [55, 65, 75])])
        #expect(f.count == 1)
        #expect(f.first?.chain == "PREROUTING")
        #expect(f.first?.ruleID.count == 12)
    }

    @Test func wholeTableRewrittenIsATableFinding() throws {
        let f = try analyze([save([100, 200], svc: [50, 60, 70]), save([1, 2], svc: [1, 2, 3])])
        #expect(f.count == 1)
        #expect(f.first?.chain == "*")
        #expect(f.first?.explanation.contains("whole table") == true)
    }
}
