import Testing
@testable import RuleWatchCore

/// Rule identity: the same rule across snapshots whatever its position and name forms.
@Suite struct IdentityTests {
    /// `iptables -L INPUT -v` and `-v -n` of one ruleset, as iptables 1.8.9 printed them.
    static let named = """
    Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
     pkts bytes target     prot opt in     out     source               destination
        0     0 ACCEPT     icmp --  any    any     anywhere             anywhere             icmp echo-request
        0     0 ACCEPT     icmp --  any    any     anywhere             anywhere             icmp port-unreachable
        0     0 ACCEPT     tcp  --  any    any     anywhere             anywhere             tcp flags:SYN,ACK/SYN
        0     0 ACCEPT     tcp  --  any    any     anywhere             anywhere             multiport dports http,https,http-alt
        0     0 ACCEPT     udp  --  any    any     localhost            anywhere             udp dpt:domain
        0     0 DROP       tcp  --  any    any    !10.244.0.0/16        anywhere             tcp dpts:1000:cisco-sccp
        0     0 DROP       tcp  --  any    any     10.244.0.0/16        anywhere             tcp dpts:1000:cisco-sccp
        0     0 ACCEPT     sctp --  any    any     anywhere             anywhere
        0     0 ACCEPT     all  --  lo     any     anywhere             anywhere

    Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)
     pkts bytes target     prot opt in     out     source               destination

    Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)
     pkts bytes target     prot opt in     out     source               destination

    """

    static let numeric = """
    Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
     pkts bytes target     prot opt in     out     source               destination
        0     0 ACCEPT     1    --  *      *       0.0.0.0/0            0.0.0.0/0            icmptype 8
        0     0 ACCEPT     1    --  *      *       0.0.0.0/0            0.0.0.0/0            icmptype 3 code 3
        0     0 ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp flags:0x12/0x02
        0     0 ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            multiport dports 80,443,8080
        0     0 ACCEPT     17   --  *      *       127.0.0.1            0.0.0.0/0            udp dpt:53
        0     0 DROP       6    --  *      *      !10.244.0.0/16        0.0.0.0/0            tcp dpts:1000:2000
        0     0 DROP       6    --  *      *       10.244.0.0/16        0.0.0.0/0            tcp dpts:1000:2000
        0     0 ACCEPT     132  --  *      *       0.0.0.0/0            0.0.0.0/0
        0     0 ACCEPT     0    --  lo     *       0.0.0.0/0            0.0.0.0/0

    Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)
     pkts bytes target     prot opt in     out     source               destination

    Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)
     pkts bytes target     prot opt in     out     source               destination

    """

    func history(_ snapshots: [String]) throws -> CaptureHistory {
        var text = ""
        for (i, s) in snapshots.enumerated() { text += "2026-11-24T10:0\(i):00Z\n" + s }
        var h = CaptureHistory()
        try CaptureParser().parse(bytes: Array(text.utf8), name: "t", into: &h)
        return h
    }

    func ruleCount(_ h: CaptureHistory) -> Int { h.rules.filter { !$0.isPolicy }.count }

    @Test func numericAndNamedListingsAreOneRuleset() throws {
        let h = try history([Self.named, Self.numeric, Self.named])
        #expect(h.snapshots.count == 3)
        #expect(ruleCount(h) == 9)
    }

    @Test func negatedSourceIsAnotherRule() throws {
        let h = try history([Self.numeric])
        let drops = h.rules.filter { $0.target == "DROP" }
        #expect(drops.count == 2)
        #expect(drops[0].id != drops[1].id)
    }

    @Test func insertingAboveKeepsIdentity() throws {
        let inserted = Self.numeric.replacingAll(
            " pkts bytes target     prot opt in     out     source               destination\n    0     0 ACCEPT     1 ",
            " pkts bytes target     prot opt in     out     source               destination\n    0     0 REJECT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:25\n    0     0 ACCEPT     1 ")
        #expect(inserted != Self.numeric)
        let h = try history([Self.numeric, inserted])
        #expect(ruleCount(h) == 10)
        let reject = h.rules.first { $0.target == "REJECT" }
        #expect(reject?.firstSnapshot == 1)
    }

    @Test func identicalDuplicatesAreKeptApartByOrder() throws {
        let line = "    7   420 ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:22\n"
        let chain = "Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n pkts bytes target     prot opt in     out     source               destination\n"
        let tail = "\nChain FORWARD (policy ACCEPT 0 packets, 0 bytes)\n pkts bytes target     prot opt in     out     source               destination\n\nChain OUTPUT (policy ACCEPT 0 packets, 0 bytes)\n pkts bytes target     prot opt in     out     source               destination\n\n"
        let h = try history([chain + line + line + tail, chain + line + line + tail])
        let rules = h.rules.filter { !$0.isPolicy }
        #expect(rules.count == 2)
        #expect(Set(rules.map(\.occurrence)) == [0, 1])
        #expect(rules[0].id != rules[1].id)
    }

    @Test func ruleIDIsTwelveHexDigitsAndStable() throws {
        let a = try history([Self.numeric])
        let b = try history([Self.named])
        let ids = a.rules.map(\.id)
        #expect(ids.allSatisfy { $0.count == 12 && $0.allSatisfy(\.isHexDigit) })
        #expect(Set(ids) == Set(b.rules.map(\.id)))
    }

    @Test func saveArgumentsNormalize() throws {
        func save(_ rule: String) -> String { "*nat\n:PREROUTING ACCEPT [0:0]\n[1:60] -A PREROUTING \(rule)\nCOMMIT\n" }
        let h = try history([save("-s 127.0.0.1/32 -p tcp -m tcp --dport 443 -j REDIRECT --to-ports 47443"),
                             save("-s 127.0.0.1 -p 6 -m tcp --dport https -j REDIRECT --to-ports 47443")])
        #expect(ruleCount(h) == 1)
    }

    @Test func traitsReadPortsAndTargets() throws {
        let h = try history([Self.numeric])
        let multiport = h.rules.first { $0.text.contains("multiport") }!
        #expect(multiport.traits.destinationPorts == [80...80, 443...443, 8080...8080])
        #expect(multiport.traits.protocolNumber == 6)
        let negated = h.rules.first { $0.text.contains("!10.244") }!
        #expect(!negated.traits.anySource)
        #expect(negated.traits.destinationPorts == [1000...2000])
    }
}
