import Testing
@testable import RuleWatchCore

/// Each detector on a small capture of its own.
@Suite struct DetectorKindsTests {
    /// `iptables-save -c` snapshots a minute apart; `rules(i)` gives snapshot i's nat and filter rules.
    func analyze(_ n: Int, egress: (Int) -> Int = { _ in 20 }, _ rules: (Int) -> (nat: [String], filter: [String])) throws -> [Finding] {
        var text = ""
        for i in 0..<n {
            let r = rules(i)
            text += "@\(1_795_514_400 + i * 60)\n# egress ok=\(egress(i)) total=20\n"
            text += "*nat\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n" + r.nat.map { $0 + "\n" }.joined() + "COMMIT\n"
            text += "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [\(i * 10):\(i * 600)]\n" + r.filter.map { $0 + "\n" }.joined() + "COMMIT\n"
        }
        var h = CaptureHistory()
        try CaptureParser().parse(bytes: Array(text.utf8), name: "t", into: &h)
        return Analyzer().analyze(h).findings
    }

    @Test func hazardWarnsOnABroadRedirectThatDoesNotClimb() throws {
        let f = try analyze(4) { _ in (["[0:0] -A PREROUTING -p tcp -m tcp --dport 53 -j DNAT --to-destination 10.0.0.9:53",
                                        "[0:0] -A PREROUTING -d 10.96.0.10/32 -p tcp -m tcp --dport 443 -j DNAT --to-destination 10.0.0.9:443"], []) }
        let hazards = f.filter { $0.kind == "hazard" }
        #expect(hazards.count == 1)
        #expect(hazards.first?.severity == .warning)
        #expect(hazards.first?.rule.contains("--dport 53") == true)
        #expect(!f.contains { $0.severity == .critical })
    }

    @Test func newRuleCarriesItsTime() throws {
        let f = try analyze(4) { i in (i >= 2 ? ["[3:180] -A OUTPUT -p tcp -m tcp --dport 443 -j REDIRECT --to-ports 15001"] : [], []) }
        let new = f.filter { $0.kind == "new-rule" }
        #expect(new.count == 1)
        #expect(new.first?.since == 1_795_514_520_000_000_000)
        #expect(new.first?.severity == .warning)
    }

    @Test func dropClimbIncludesPolicyCounters() throws {
        let f = try analyze(6) { i in
            let p = i < 4 ? 10 * i : 30 + 5_000 * (i - 3)
            return ([], ["[\(p):\(p * 60)] -A INPUT -p udp -m udp --dport 53 -j DROP"])
        }
        let climbs = f.filter { $0.kind == "drop-climb" }
        #expect(climbs.count == 1)
        #expect(climbs.first?.since == 1_795_514_640_000_000_000)
        #expect(!f.contains { $0.severity == .critical })
    }

    @Test func discardingRuleClimbingWhenEgressFallsIsCritical() throws {
        let f = try analyze(6, egress: { $0 >= 3 ? 1 : 20 }) { i in
            let p = i < 3 ? 0 : 400 * (i - 2)
            return ([], ["[5:300] -A FORWARD -s 10.244.0.0/16 -j ACCEPT",
                         "[\(p):\(p * 60)] -A FORWARD -p tcp -m tcp --dport 443 -j REJECT --reject-with tcp-reset"])
        }
        #expect(f.first?.severity == .critical)
        #expect(f.first?.target == "REJECT")
        #expect(f.filter { $0.severity == .critical }.count == 1)
    }

    @Test func jumpClimbingWithAllTrafficDoesNotOutrankTheDivertingRule() throws {
        let f = try analyze(8, egress: { $0 >= 4 ? 0 : 20 }) { i in
            var nat = ["[\(1000 + i * (i >= 4 ? 3000 : 1000)):0] -A PREROUTING -j KUBE-SERVICES"]
            if i >= 4 { nat.append("[\((i - 3) * 234):\((i - 3) * 14040)] -A PREROUTING -p tcp -m tcp --dport 443 -j REDIRECT --to-ports 47443") }
            return (nat, [])
        }
        #expect(f.first?.target == "REDIRECT")
        #expect(f.filter { $0.severity == .critical }.count == 1)
    }
}
