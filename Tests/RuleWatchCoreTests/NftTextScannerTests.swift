import Foundation
import Testing
@testable import RuleWatchCore

@Suite struct NftTextScannerTests {
    static let corpus = Corpus.expectations.filter { $0.file.hasPrefix("nft-") }

    @Test(arguments: corpus)
    func corpusFileMatchesItsExpectedCounts(_ e: Corpus.Expectation) throws {
        try expectCorpusCounts(NftTextScanner.self, e, format: .nft) { rule in
            !rule.text.contains("packets") && !rule.text.contains("# handle")
        }
    }

    @Test func corpusFamiliesAndHooks() throws {
        let scan = try ScannedText(NftTextScanner.self, try Corpus.bytes("nft-firewalld-libvirt-ruleset.txt"))
        #expect(scan.tables.map { "\($0.family.rawValue) \($0.name)" } == [
            "inet firewalld", "ip filter", "ip nat", "ip mangle", "ip6 filter", "ip6 nat", "ip6 mangle",
        ])
        let mangle = try #require(scan.tables[0].chains.first { $0.name == "mangle_PREROUTING" })
        #expect(mangle.hook == "prerouting" && mangle.policy == "accept" && mangle.packets == nil)
        #expect(scan.tables[0].chains.first { $0.name == "mangle_PREROUTING_ZONES" }?.hook == nil)
        let checksum = try #require(scan.tables[3].rules.first)
        #expect(checksum.target == "CHECKSUM" && checksum.packets == 21 && checksum.bytes == 6888)
        #expect(checksum.text == #"oifname "virbr0" udp dport 68 counter xt target "CHECKSUM""#)
        let zones = scan.tables[0].rules.filter { $0.chain == "mangle_PREROUTING_ZONES" }
        #expect(zones.map(\.target) == ["mangle_PRE_libvirt", "mangle_PRE_public", "mangle_PRE_public"])
        #expect(zones.map(\.position) == [1, 2, 3])
    }

    @Test func handlesAndCounterValuesAreTakenOut() throws {
        let scan = try ScannedText(NftTextScanner.self, try Corpus.bytes("nft-fail2ban-table-handles.txt"))
        let t = try #require(scan.tables.first)
        #expect(t.name == "fail2ban" && t.family == .ip && t.firstLine == 1)
        #expect(t.rules.map(\.text) == [
            "counter jump f2b-sshd",
            "udp dport { sip, 10000-20000 } ip saddr @f2b-ASTERISK drop",
            "counter jump f2b-sshd",
            "tcp dport { ssh, 9022 } ip saddr @f2b-sshd drop",
            "counter return",
            "counter return",
        ])
        #expect(t.rules.map(\.target) == ["f2b-sshd", "drop", "f2b-sshd", "drop", "return", "return"])
        #expect(t.rules.map(\.packets) == [25070, nil, 5665, nil, 30904, 0])
        #expect(t.rules.map(\.line) == [12, 13, 14, 15, 19, 23])
        #expect(t.chains.map(\.name) == ["input", "f2b-sshd", "f2b-ASTERISK"])
        #expect(t.chains[0].hook == "input" && t.chains[0].policy == "accept")
    }

    @Test func targetsAreTheVerdictOrAction() throws {
        let rules = [
            ("tcp dport 80 counter packets 5 bytes 300 redirect to :8080", "redirect"),
            ("ct status dnat accept", "accept"),
            ("ct status dnat", ""),
            ("ct status != snat counter packets 1 bytes 2", ""),
            ("ip saddr 10.0.0.0/8 masquerade to :1024-65535", "masquerade"),
            ("dnat ip to 10.0.0.1:80", "dnat"),
            (#"log prefix "drop it " level info drop"#, "drop"),
            ("ip daddr vmap { 10.0.0.1 : accept, 10.0.0.2 : drop }", "vmap {accept, drop}"),
            ("reject with icmpx admin-prohibited", "reject"),
            ("queue num 1 bypass", "queue"),
            ("meta l4proto tcp tproxy ip to :50080", "tproxy"),
            ("goto nat_PRE_public", "nat_PRE_public"),
            (#"counter packets 3 bytes 4 xt target "REDIRECT""#, "REDIRECT"),
            (#"counter name "cnt_http" accept comment "jump nowhere""#, "accept"),
            ("meta mark set 0x1", ""),
        ]
        let text = "table inet t {\n\tchain c {\n" + rules.map { "\t\t\($0.0)\n" }.joined() + "\t}\n}\n"
        let scan = try ScannedText(NftTextScanner.self, text)
        #expect(scan.rules.map(\.target) == rules.map(\.1))
        #expect(scan.countedCount == 3 && scan.ruleCount == rules.count)
    }

    @Test func textIsCollapsedOutsideQuotes() throws {
        let text = "table ip filter {\n        chain INPUT {\n                ip saddr 10.1.0.0/16  counter packets 7 bytes 420  jump X comment \"a  b\"   # handle 5\n        }\n}\n"
        let scan = try ScannedText(NftTextScanner.self, text)
        #expect(scan.rules.map(\.text) == [#"ip saddr 10.1.0.0/16 counter jump X comment "a  b""#])
        #expect(scan.rules.map(\.target) == ["X"])
    }

    @Test func runsOfSpacesAreOneWhereverTheyFall() throws {
        // Runs of two and three spaces at every offset, across the eight-byte steps of the
        // plain-statement scan, before and after the counter.
        var lines: [String] = []
        var expected: [String] = []
        for at in 1..<24 {
            for run in [2, 3] {
                let words = "meta l4proto tcp tcp dport 8080 ip daddr 10.96.0.10"
                let chars = Array(words)
                let cut = min(at, chars.count - 1)
                let line = String(chars[..<cut]) + String(repeating: " ", count: run) + String(chars[cut...])
                lines.append(line + " counter packets \(at) bytes \(at * 60)  jump KUBE-SVC-\(at)")
                expected.append(line.split(separator: " ").joined(separator: " ") + " counter jump KUBE-SVC-\(at)")
            }
        }
        let text = "table ip nat {\n\tchain c {\n" + lines.map { "\t\t\($0)\n" }.joined() + "\t}\n}\n"
        let scan = try ScannedText(NftTextScanner.self, text)
        #expect(scan.rules.map(\.text) == expected)
        #expect(scan.rules.map(\.target) == (1..<24).flatMap { ["KUBE-SVC-\($0)", "KUBE-SVC-\($0)"] })
    }

    @Test func blocksAreSkippedAndNamedCountersAreObjectsNotRules() throws {
        let text = """
            table inet t { # handle 9
            \tflags dormant
            \tcomment "a { brace"
            \tcounter cnt_http { # handle 2
            \t\tpackets 10 bytes 20
            \t}
            \tcounter cnt_ssh { packets 1 bytes 2 }
            \tquota q { 25 mbytes used 0 bytes }
            \tset s {
            \t\ttype ipv4_addr
            \t\tflags interval
            \t\telements = { 10.0.0.0/8,
            \t\t\t     192.168.0.0/16 }
            \t}
            \tmap m {
            \t\ttype ipv4_addr : verdict
            \t\telements = { 10.0.0.1 : accept }
            \t}
            \tflowtable f {
            \t\thook ingress priority filter
            \t\tdevices = { lo }
            \t}
            \tct helper h {
            \t\ttype "ftp" protocol tcp
            \t\tl3proto inet
            \t}
            \tct timeout tt {
            \t\tprotocol tcp
            \t\tl3proto ip
            \t\tpolicy = { established : 100 }
            \t}
            \tlimit l { rate 10/second }
            \tchain c {
            \t\ttype filter hook input priority mangle + 10; policy drop;
            \t\ttcp dport 80 counter name "cnt_http" accept
            \t\tcounter packets 4 bytes 5
            \t}
            \tchain empty {
            \t}
            }
            """
        let scan = try ScannedText(NftTextScanner.self, text)
        #expect(scan.invalid.isEmpty && scan.notMine.isEmpty)
        let t = try #require(scan.tables.first)
        #expect(scan.tables.count == 1 && t.family == .inet && t.name == "t" && !t.truncated)
        #expect(t.chainCount == 2 && t.ruleCount == 2 && t.countedCount == 1 && t.packets == 4 && t.bytes == 5)
        #expect(t.chains.map(\.policy) == ["drop", nil] && t.chains.map(\.hook) == ["input", nil])
        #expect(t.rules.map(\.text) == ["counter cnt_http", "counter cnt_ssh", #"tcp dport 80 counter name "cnt_http" accept"#, "counter"])
        #expect(t.rules.map(\.packets) == [10, 1, nil, 4] && t.rules.map(\.chain) == ["", "", "c", "c"])
    }

    @Test func anonymousSetsMaySpanLines() throws {
        let text = """
            table ip6 filter {
            \tchain INPUT {
            \t\ticmpv6 type { destination-unreachable,
            \t\t\t     packet-too-big } counter packets 2 bytes 3 accept # handle 4
            \t\tcounter packets 1 bytes 1 drop
            \t}
            }
            """
        for wantsRules in [true, false] {
            let scan = try ScannedText(NftTextScanner.self, text, wantsRules: wantsRules)
            #expect(scan.ruleCount == 2 && scan.countedCount == 2 && scan.packets == 3)
            if wantsRules {
                #expect(scan.rules.first == .init(chain: "INPUT", target: "accept",
                                                  text: "icmpv6 type { destination-unreachable, packet-too-big } counter accept",
                                                  packets: 2, bytes: 3, position: 1, line: 3))
            }
        }
    }

    @Test func openBracesMarkTheTableTruncated() throws {
        let scan = try ScannedText(NftTextScanner.self, "table ip nat {\n\tchain POSTROUTING {\n\t\tcounter packets 1 bytes 2 masquerade\n")
        #expect(scan.tables.count == 1 && scan.tables[0].truncated && scan.ruleCount == 1)
        let cut = try ScannedText(NftTextScanner.self, "table ip nat {\n\tchain P {\n\t\tmasquerade\n2026-11-24T10:00:00Z\n")
        #expect(cut.notMine == [4] && cut.tables.first?.truncated == true)
        let inSet = try ScannedText(NftTextScanner.self, "table ip t {\n\tset s {\n\t\telements = { 10.0.0.1,\n@1795514520\n")
        #expect(inSet.notMine == [4] && inSet.tables.first?.truncated == true)
    }

    @Test func linesAroundTheDumpAreNotMine() throws {
        for line in ["2026-11-24T10:00:00Z", "Tue Nov 24 10:01:00 UTC 2026", "@1795514520", "# egress ok=1 total=2",
                     "Chain INPUT (policy ACCEPT 0 packets, 0 bytes)", "*filter", "[0:0] -A INPUT -j DROP",
                     "# Generated by iptables-save v1.8.9 on Tue Nov 24 10:01:00 2026"] {
            let scan = try ScannedText(NftTextScanner.self, "table ip t {\n\tchain c {\n\t\tdrop\n\(line)\n")
            #expect(scan.notMine.first == 4, "\(line)")
            #expect(scan.tables.first?.truncated == true, "\(line)")
        }
        let between = try ScannedText(NftTextScanner.self, "table ip a {\n}\n2026-11-24T10:00:00Z\ntable ip b {\n}\n")
        #expect(between.notMine == [3] && between.tables.map(\.name) == ["a", "b"])
        #expect(between.tables.allSatisfy { !$0.truncated })
    }

    @Test func junkInATableIsInvalid() throws {
        let scan = try ScannedText(NftTextScanner.self, "table ip t {\n\twhatever\n\tchain c {\n\t}\n}\n")
        #expect(scan.invalid.map(\.line) == [2] && scan.tables.count == 1 && !scan.tables[0].truncated)
    }

    /// One ruleset in the kernel, dumped four ways: the scanners must agree on every rule.
    @Test func kernelDumpsAgreeAcrossFormats() throws {
        let ns = try ScratchNamespace()
        try ns.run(["iptables-restore", "--counters"], input: """
            *nat
            :PREROUTING ACCEPT [0:0]
            :INPUT ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            [5:300] -A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 8080
            COMMIT
            *filter
            :INPUT ACCEPT [10:1000]
            :FORWARD DROP [4:400]
            :OUTPUT ACCEPT [0:0]
            :KUBE-TEST - [0:0]
            [7:420] -A INPUT -s 10.1.0.0/16 -m comment --comment "a \\"quoted\\" -j FAKE comment" -j KUBE-TEST
            [3:180] -A INPUT -p tcp -m tcp --dport 22 -j DROP
            [2:120] -A KUBE-TEST -d 192.168.0.1/32 -j ACCEPT
            [1:60] -A KUBE-TEST -j RETURN
            COMMIT

            """)
        let saveC = try ScannedText(SaveScanner.self, try ns.run(["iptables-save", "-c"]))
        let save = try ScannedText(SaveScanner.self, try ns.run(["iptables-save"]))
        let nft = try ScannedText(NftTextScanner.self, try ns.run(["nft", "list", "ruleset"]))
        let nftA = try ScannedText(NftTextScanner.self, try ns.run(["nft", "-a", "list", "ruleset"]))

        struct Key: Hashable { var table: String, chain: String, position: Int }
        func keyed(_ s: ScannedText) -> [Key: ScannedText.Rule] {
            var out: [Key: ScannedText.Rule] = [:]
            for t in s.tables { for r in t.rules { out[Key(table: t.name, chain: r.chain, position: r.position)] = r } }
            return out
        }
        let expected: [Key: (String, UInt64, UInt64)] = [
            Key(table: "nat", chain: "PREROUTING", position: 1): ("redirect", 5, 300),
            Key(table: "filter", chain: "INPUT", position: 1): ("kube-test", 7, 420),
            Key(table: "filter", chain: "INPUT", position: 2): ("drop", 3, 180),
            Key(table: "filter", chain: "KUBE-TEST", position: 1): ("accept", 2, 120),
            Key(table: "filter", chain: "KUBE-TEST", position: 2): ("return", 1, 60),
        ]
        for scan in [saveC, save, nft, nftA] {
            #expect(scan.invalid.isEmpty && scan.notMine.isEmpty && scan.warnings.isEmpty)
            #expect(Set(scan.tables.map(\.name)) == ["nat", "filter"] && scan.tables.allSatisfy { $0.family == .ip && !$0.truncated })
            #expect(scan.chainCount == 8)
            let rules = keyed(scan)
            #expect(Set(rules.keys) == Set(expected.keys))
            for (key, (target, packets, bytes)) in expected {
                #expect(rules[key]?.target.lowercased() == target, "\(key)")
                if scan.tables[0].format == .nft || scan.countedCount > 0 {
                    #expect(rules[key]?.packets == packets && rules[key]?.bytes == bytes, "\(key)")
                } else {
                    #expect(rules[key]?.packets == nil)
                }
            }
        }
        // `-a` adds handles only: the rules read the same.
        #expect(nft.rules.map(\.description) == nftA.rules.map(\.description))
        #expect(saveC.rules.first { $0.chain == "INPUT" }?.text
                == #"-A INPUT -s 10.1.0.0/16 -m comment --comment "a \"quoted\" -j FAKE comment" -j KUBE-TEST"#)
        let policy = saveC.tables.first { $0.name == "filter" }?.chains.first { $0.name == "FORWARD" }
        #expect(policy?.policy == "DROP" && policy?.packets == .exact(4) && policy?.hook == "forward")
        let nftForward = nft.tables.first { $0.name == "filter" }?.chains.first { $0.name == "FORWARD" }
        #expect(nftForward?.policy == "drop" && nftForward?.hook == "forward")
        #expect(saveC.tables.allSatisfy { $0.generatedAt != nil })
    }
}
