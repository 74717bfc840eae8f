import Foundation
import Testing
@testable import RuleWatchCore

// MARK: - Harness

/// Keeps a copy of every table a scanner hands on.
private struct CollectingReceiver: TableReceiver {
    var tables: [ParsedTable] = []
    var warnings: [String] = []
    mutating func receive(_ table: inout ParsedTable) { tables.append(table) }
    mutating func warn(line: Int, _ message: String) { warnings.append("\(line): \(message)") }
}

/// A rule copied out of a table's arena.
private struct Row: Equatable, CustomStringConvertible {
    var chain, target, text: String
    var proto, opt, inInterface, outInterface, source, destination, match: String
    var packets, bytes: Counter?
    var position, line: Int
    var description: String { "\(chain)#\(position) [\(target)] \(text)" }
}

private struct Scan {
    var tables: [ParsedTable]
    /// What `feed` answered, line by line.
    var results: [FeedResult]
    var warnings: [String]

    var rows: [Row] { tables.flatMap(rowsOf) }
    var invalid: [String] {
        results.enumerated().compactMap { k, r in
            if case .invalid(let why) = r { return "\(k + 1): \(why)" }
            return nil
        }
    }
}

private func rowsOf(_ table: ParsedTable) -> [Row] {
    var out: [Row] = []
    table.rules.forEach { r in
        out.append(Row(chain: r.chain.string, target: r.target.string, text: r.text.string,
                       proto: r.proto?.string ?? "?", opt: r.opt?.string ?? "?",
                       inInterface: r.inInterface?.string ?? "?", outInterface: r.outInterface?.string ?? "?",
                       source: r.source?.string ?? "?", destination: r.destination?.string ?? "?",
                       match: r.match?.string ?? "?", packets: r.packets, bytes: r.bytes,
                       position: r.position, line: r.line))
    }
    return out
}

/// Feeds `input` line by line as the capture parser would, then finishes.
/// Input that does not end in a newline gives its last line `atEndWithoutNewline`.
private func scan(_ input: [UInt8], options: ParseOptions = ParseOptions(), wantsRules: Bool = true) throws -> Scan {
    var scanner = ListingScanner(options: options, wantsRules: wantsRules, source: "test.txt")
    var receiver = CollectingReceiver()
    var results: [FeedResult] = []
    var lines = input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    let endsWithNewline = input.last == UInt8(ascii: "\n")
    if endsWithNewline { lines.removeLast() }
    for (k, line) in lines.enumerated() {
        let last = k == lines.count - 1
        let result = try Array(line).withUnsafeBytes { raw in
            try scanner.feed(Line(bytes: ByteSlice(raw), number: k + 1, atEndWithoutNewline: last && !endsWithNewline),
                             into: &receiver)
        }
        results.append(result)
    }
    try scanner.finish(into: &receiver)
    return Scan(tables: receiver.tables, results: results, warnings: receiver.warnings)
}

private func scan(_ text: String, options: ParseOptions = ParseOptions(), wantsRules: Bool = true) throws -> Scan {
    try scan(Array(text.utf8), options: options, wantsRules: wantsRules)
}

private let corpus = Corpus.directory.path

private func corpusBytes(_ name: String) throws -> [UInt8] {
    try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(corpus)/\(name)")))
}

/// `expected.tsv`'s rows for the listing files: name, chains, rules, sum_pkts, rule lines.
private func expectedListings() throws -> [(String, Int, Int, UInt64, Int)] {
    let tsv = try String(contentsOfFile: "\(corpus)/expected.tsv", encoding: .utf8)
    var seen = Set<String>()
    return tsv.split(separator: "\n").dropFirst().compactMap { row in
        let f = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard f.count >= 5, f[0].hasPrefix("listing-"), seen.insert(f[0]).inserted,
              let chains = Int(f[1]), let rules = Int(f[2]), let pkts = UInt64(f[3]), let lines = Int(f[4])
        else { return nil }
        return (f[0], chains, rules, pkts, lines)
    }
}

// MARK: - Corpus

@Suite struct ListingScannerCorpusTests {
    static let files: [String] = (try? expectedListings().map(\.0)) ?? []

    @Test func everyListingFileOfTheCorpusIsCovered() throws {
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: corpus).filter { $0.hasPrefix("listing-") }
        #expect(Set(onDisk) == Set(Self.files))
        #expect(Self.files.count == 16)
    }

    @Test(arguments: files)
    func corpusListingMatchesExpectedCounts(file: String) throws {
        let expected = try #require(try expectedListings().first { $0.0 == file })
        for wantsRules in [true, false] {
            let s = try scan(try corpusBytes(file), wantsRules: wantsRules)
            #expect(s.invalid == [], "\(file)")
            #expect(!s.results.contains(.notMine), "\(file)")
            #expect(s.tables.reduce(0) { $0 + $1.chainCount } == expected.1, "\(file) chains")
            #expect(s.tables.reduce(0) { $0 + $1.countedCount } == expected.2, "\(file) counted rules")
            #expect(s.tables.reduce(0) { $0 + $1.printedPackets } == expected.3, "\(file) sum of pkts")
            #expect(s.tables.reduce(0) { $0 + $1.ruleCount } == expected.4, "\(file) rule lines")
            #expect(s.tables.allSatisfy { !$0.truncated && $0.format == .listing && $0.source == "test.txt" })
            if wantsRules {
                #expect(s.tables.reduce(0) { $0 + $1.chains.count } == expected.1)
                #expect(s.rows.count == expected.4)
                #expect(s.rows.allSatisfy { !$0.proto.isEmpty && !$0.source.isEmpty && !$0.destination.isEmpty })
            } else {
                #expect(s.tables.allSatisfy { $0.chains.isEmpty && $0.rules.isEmpty })
            }
        }
    }

    @Test func concatenatedFilterAndNatListingsAreTwoTables() throws {
        let swarm = try scan(try corpusBytes("listing-docker-swarm-filter-nat-L-v-line-numbers.txt"))
        #expect(swarm.tables.map(\.name) == ["filter", "nat"])
        let legacy = try scan(try corpusBytes("listing-legacy-warning-filter-then-nat-debian11.txt"))
        #expect(legacy.tables.map(\.name) == ["filter", "nat"])
        #expect(legacy.tables.map(\.chainCount) == [3, 4])
        #expect(legacy.tables.map(\.firstLine) == [2, 11])
    }

    @Test func tablesAreInferredFromTheirBuiltinChains() throws {
        let names: [(String, String)] = [
            ("listing-kube-cni-nat-nvL.txt", "nat"),
            ("listing-kube-docker-filter-nvL.txt", "filter"),
            ("listing-kube-mangle-no-rules.txt", "mangle"),
            ("listing-openlan-single-chain-exact-x.txt", "filter"),
            ("listing-single-chain-no-n-dpt-https.txt", "filter"),
        ]
        for (file, name) in names {
            let s = try scan(try corpusBytes(file))
            #expect(s.tables.map(\.name) == [name], "\(file)")
        }
    }

    @Test func ip6tablesListingWithBlankOptIsIPv6() throws {
        let s = try scan(try corpusBytes("listing-ip6tables-line-numbers-no-blank-lines.txt"))
        #expect(s.tables.map(\.family) == [.ip6])
        let rows = s.rows
        #expect(rows[0].target == "RH-Firewall-1-INPUT")
        #expect(rows[0].text == "all * * ::/0 ::/0")
        #expect(rows[0].opt == "")
        let mdns = try #require(rows.first { $0.match == "udp dpt:5353" })
        #expect(mdns.text == "udp * * ::/0 ff02::fb/128 udp dpt:5353")
        #expect(mdns.position == 5)
        let icmp = try #require(rows.first { $0.proto == "icmpv6" })
        #expect(icmp.inInterface == "*")
        #expect(icmp.packets == .exact(37519))
        #expect(icmp.bytes == Counter.abbreviated(2730, steps: 1))
        #expect(s.tables.allSatisfy { $0.family == .ip6 })
        // Every chain but the last has a policy; the user chain its references.
        #expect(s.tables[0].chains.map(\.references) == [nil, nil, nil, 2])
        #expect(s.tables[0].chains[2].packets == .exact(12557))
        #expect(s.tables[0].chains[2].bytes == Counter.abbreviated(2042, steps: 1))
    }

    @Test func ipv4ListingsAreReadAsIP() throws {
        for file in ["listing-kube-cni-nat-nvL.txt", "listing-single-chain-no-n-dpt-https.txt",
                     "listing-submariner-iptables-nft-numeric-proto-line-numbers.txt"] {
            let s = try scan(try corpusBytes(file))
            #expect(s.tables.allSatisfy { $0.family == .ip }, "\(file)")
        }
    }

    @Test func longTargetAndInterfaceNamesShiftTheColumns() throws {
        let rows = try scan(try corpusBytes("listing-docker-swarm-filter-nat-L-v-line-numbers.txt")).rows
        let drop = try #require(rows.first { $0.chain == "DOCKER" && $0.position == 2 })
        #expect(drop.target == "DROP")
        #expect(drop.inInterface == "!docker_gwbridge")
        #expect(drop.outInterface == "docker_gwbridge")
        #expect(drop.text == "all -- !docker_gwbridge docker_gwbridge anywhere anywhere")
        let forward = try #require(rows.first { $0.chain == "FORWARD" && $0.position == 2 })
        #expect(forward.target == "DOCKER-FORWARD")
        #expect(forward.proto == "all")
        let calico = try scan(try corpusBytes("listing-calico-cali-FORWARD-chain-excerpt.txt")).rows
        #expect(calico[1].target == "cali-from-hep-forward")
        #expect(calico[5].match == "/* cali:MH9kMp5aNICL-Olv */ /* Policy explicitly accepted packet. */ mark match 0x10000/0x10000")
        #expect(calico[0].packets == Counter.abbreviated(1882, steps: 1))
        #expect(calico[0].bytes == Counter.abbreviated(1570, steps: 2))
    }

    @Test func negatedAddressTakesTheSeparatorBeforeIt() throws {
        let rows = try scan(try corpusBytes("listing-kubeadm-flannel-nat-nvL.txt")).rows
        let r = try #require(rows.first { $0.source == "!10.244.0.0/16" && $0.destination == "10.244.0.0/24" })
        #expect(r.target == "RETURN")
        #expect(r.text == "all -- * * !10.244.0.0/16 10.244.0.0/24")
        #expect(r.match == "")
    }

    @Test func commentsWithQuotesAndSpacesStayInTheMatchText() throws {
        let rows = try scan(try corpusBytes("listing-kube-cni-nat-nvL.txt")).rows
        let cni = try #require(rows.first { $0.target == "CNI-0d314787d804206fd0db3f98" })
        #expect(cni.match == "/* name: \"default\" id: \"d56bc6d2512b0f78cebc9ad1ff17c1fc725ad61a952db34a7980e2d0d783d108\" */")
        #expect(cni.source == "10.1.0.214")
        #expect(cni.chain == "POSTROUTING")
    }

    @Test func numericProtocolOfIptablesNft() throws {
        let s = try scan(try corpusBytes("listing-submariner-iptables-nft-numeric-proto-line-numbers.txt"))
        let rows = s.rows
        #expect(rows.map(\.proto) == ["0", "0", "0", "0", "0"])
        #expect(rows[0].outInterface == "vx-submariner")
        #expect(rows[0].text == "0 -- * vx-submariner 240.0.0.0/8 0.0.0.0/0 to:10.131.1.1")
        #expect(rows.map(\.position) == [1, 2, 3, 4, 5])
        #expect(rows[3].packets == .exact(1))
        #expect(s.tables[0].chains[0].references == 1)
        #expect(s.tables[0].chains[0].hook == nil)
    }

    @Test func exactCountersOfDashX() throws {
        let rows = try scan(try corpusBytes("listing-openlan-single-chain-exact-x.txt")).rows
        #expect(rows.map(\.packets) == [.exact(878169), .exact(7424)])
        #expect(rows.map(\.bytes) == [.exact(148573294), .exact(3764917)])
    }

    @Test func policyCountersMayBeAbbreviated() throws {
        let s = try scan(try corpusBytes("listing-kube-mangle-no-rules.txt"))
        let pre = s.tables[0].chains[0]
        #expect(pre.name == "PREROUTING" && pre.policy == "ACCEPT" && pre.hook == "prerouting")
        #expect(pre.packets == Counter.abbreviated(168, steps: 2))
        #expect(pre.bytes == Counter.abbreviated(114, steps: 3))
        #expect(s.tables[0].chains[5].references == 0)
        #expect(s.tables[0].chains[5].policy == nil)
        let web = try scan(try corpusBytes("listing-web-server-policy-drop-K-M-suffixes.txt"))
        #expect(web.tables[0].chains.contains { $0.bytes == Counter.abbreviated(2690, steps: 1) })
    }

    @Test func gotoAndTrailingSpacesAreTrimmedFromTheText() throws {
        let rows = try scan(try corpusBytes("listing-firewalld-docker-centos7-nv.txt")).rows
        #expect(rows.allSatisfy { !$0.text.hasSuffix(" ") })
        #expect(rows.contains { $0.match.hasSuffix("[goto]") })
    }
}

// MARK: - Lines

@Suite struct ListingScannerLineTests {
    static let header = " pkts bytes target     prot opt in     out     source               destination         "

    @Test func ruleTextIsTheColumnsFromProtOnThenTheMatch() throws {
        let s = try scan("""
            Chain PREROUTING (policy ACCEPT 0 packets, 0 bytes)
            \(Self.header)
             445K  146M REDIRECT   tcp  --  any    any     anywhere             anywhere             tcp dpt:https redir ports 47443

            """, options: ParseOptions(table: "nat"))
        let r = try #require(s.rows.first)
        #expect(r.text == "tcp -- any any anywhere anywhere tcp dpt:https redir ports 47443")
        #expect(r.target == "REDIRECT" && r.chain == "PREROUTING" && r.position == 1 && r.line == 3)
        #expect([r.proto, r.opt, r.inInterface, r.outInterface, r.source, r.destination]
                == ["tcp", "--", "any", "any", "anywhere", "anywhere"])
        #expect(r.match == "tcp dpt:https redir ports 47443")
        #expect(s.tables[0].name == "nat")
    }

    @Test func abbreviatedCounterIsHeldAsInterval() throws {
        let s = try scan("""
            Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
            \(Self.header)
             445K  146M ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0
              12G   99T ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0

            """)
        let rows = s.rows
        #expect(rows[0].packets == Counter(lower: 444_500, upper: 445_499, printed: 445_000))
        #expect(rows[0].bytes == Counter(lower: 145_499_500, upper: 146_499_499, printed: 146_000_000))
        #expect(rows[1].packets?.printed == 12_000_000_000)
        #expect(rows[1].bytes?.printed == 99_000_000_000_000)
        #expect(s.tables[0].printedPackets == 445_000 + 12_000_000_000)
        #expect(s.tables[0].printedBytes == 146_000_000 + 99_000_000_000_000)
        #expect(s.tables[0].countedCount == 2)
    }

    @Test func countsNoCountCanPrintAsAreInvalid() throws {
        let s = try scan("""
            Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
            \(Self.header)
              99K     0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0
              12Q     0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0
               1     0x ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0

            """)
        #expect(s.invalid.count == 3)
        #expect(s.tables[0].ruleCount == 0)
    }

    @Test func ruleWithoutTargetHasBlankTarget() throws {
        let s = try scan("""
            Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
            \(Self.header)
                0     0            udp  --  any    any     anywhere             anywhere
                7   420           !udp  --  any    any     anywhere             anywhere
                0     0 DROP       all  !f  any    any     anywhere             anywhere
                0 0 tcp -- * * 0.0.0.0/0 0.0.0.0/0
            num      pkts      bytes target     prot opt in     out     source               destination
            3           0        0            17   --  *      *       0.0.0.0/0            0.0.0.0/0
            4           5      300 udp        17   --  *      *       0.0.0.0/0            0.0.0.0/0

            """)
        let rows = s.rows
        #expect(s.invalid == [])
        #expect(rows.map(\.target) == ["", "", "DROP", "", "", "udp"])
        #expect(rows.map(\.proto) == ["udp", "!udp", "all", "tcp", "17", "17"])
        #expect(rows[1].text == "!udp -- any any anywhere anywhere")
        #expect(rows[2].opt == "!f")
        #expect(rows[3].text == "tcp -- * * 0.0.0.0/0 0.0.0.0/0")
        #expect(rows[4].packets == .exact(0))
        #expect(rows[5].bytes == .exact(300))
    }

    @Test func commentWithNewlineContinuesOnTheNextLine() throws {
        let text = """
            Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
            \(Self.header)
                0     0 ACCEPT     tcp  --  any    any     anywhere             anywhere             /* line one
            line two */   
                3   180 DROP       all  --  any    any     anywhere             anywhere

            """
        for wantsRules in [true, false] {
            let s = try scan(text, wantsRules: wantsRules)
            #expect(s.results.allSatisfy { $0 == .consumed })
            #expect(s.tables[0].ruleCount == 2)
            #expect(s.tables[0].printedPackets == 3)
        }
        let rows = try scan(text).rows
        #expect(rows[0].match == "/* line one\nline two */")
        #expect(rows[0].text == "tcp -- any any anywhere anywhere /* line one\nline two */")
        #expect(rows[1].position == 2 && rows[1].line == 5 && rows[1].target == "DROP")
    }

    @Test func slashStarOutsideACommentOpensNothing() throws {
        let s = try scan("""
            Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
            \(Self.header)
                0     0 LOG        all  --  *      *       0.0.0.0/0            0.0.0.0/0            LOG flags 0 level 4 prefix "x/* "
                1     0 DROP       all  --  *      *       0.0.0.0/0            0.0.0.0/0            /*\u{20}
            comment that begins with a newline */

            """)
        #expect(s.invalid == [])
        #expect(s.rows.map(\.position) == [1, 2])
        #expect(s.rows.last?.match == "/* \ncomment that begins with a newline */")
    }

    @Test func unclosedCommentGivesUpAfterTheLongestComment() throws {
        let s = try scan("""
            Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
            \(Self.header)
                0     0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* open
            \(String(repeating: "x", count: 300))
                4     0 DROP       all  --  *      *       0.0.0.0/0            0.0.0.0/0

            """)
        #expect(s.results[3] == .notMine)
        #expect(s.rows.first?.match == "/* open")
    }

    @Test func ruleLineMissingColumnsIsInvalid() throws {
        let s = try scan("""
            Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
            \(Self.header)
                0     0 ACCEPT     all  --  *      *       0.0.0.0/0
                0     0 ACCEPT
            \u{0}\u{0}\u{0}    0     0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0
                0     0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0

            """)
        #expect(s.invalid.count == 3)
        #expect(s.tables[0].ruleCount == 1)
    }

    @Test func linesOfOtherKindsAreNotMine() throws {
        let others = ["2026-11-24T10:00:00Z", "Tue Nov 24 10:01:00 UTC 2026", "@1795514520", "1795514520",
                      "# egress ok=1 total=2", "*nat", "table ip nat {", "{", "# Generated by iptables-save v1.8.9",
                      "-A INPUT -j ACCEPT", ":INPUT ACCEPT [0:0]", "2026-11-24 10:00:00"]
        for other in others {
            let s = try scan("""
                Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
                \(Self.header)
                \(other)

                """)
            #expect(s.results[2] == .notMine, "\(other)")
        }
    }

    @Test func blankWarningAndCarriageReturnLinesAreConsumed() throws {
        let s = try scan(
            "# Warning: iptables-legacy tables present, use iptables-legacy to see them\r\n"
            + "Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\r\n\(Self.header)\r\n"
            + "    1    60 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0    \r\n"
            + "\r\n\n   \n"
            + "Chain FORWARD (policy DROP 0 packets, 0 bytes)\r\n\(Self.header)\r\n")
        #expect(s.results.allSatisfy { $0 == .consumed })
        #expect(s.rows.map(\.text) == ["all -- * * 0.0.0.0/0 0.0.0.0/0"])
        #expect(s.tables.count == 1 && s.tables[0].chainCount == 2 && s.tables[0].firstLine == 2)
        #expect(s.tables[0].chains[1].policy == "DROP")
    }

    @Test func truncatedLastRuleIsDroppedAndTableMarked() throws {
        let whole = """
            Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
            \(Self.header)
                5   300 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0
            """
        let cutInColumns = whole + "\n    7   420 DROP       all  --  *      *       0.0.0"
        let s = try scan(cutInColumns)
        #expect(s.results.last == .invalid("cut-off rule line"))
        #expect(s.tables[0].truncated)
        #expect(s.tables[0].ruleCount == 1)
        let cutInCounter = try scan(whole + "\n    7")
        #expect(cutInCounter.tables[0].truncated)
        #expect(cutInCounter.tables[0].ruleCount == 1)
        #expect(cutInCounter.results.last != .notMine)
        // A whole last line without its newline is kept, but the table is still marked.
        let kept = try scan(whole)
        #expect(kept.tables[0].truncated)
        #expect(kept.tables[0].ruleCount == 1)
        let header = try scan("Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n\(Self.header)\nChain FORWARD (polic")
        #expect(header.tables[0].truncated)
        #expect(header.tables[0].chainCount == 1)
        let cutHeader = try scan("Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n    pkts      bytes target     prot opt in     out     so")
        #expect(cutHeader.results.last == .invalid("cut-off line"))
        #expect(cutHeader.tables[0].truncated)
        // A chain cut off before its column header.
        let noHeader = try scan("Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n\(Self.header)\nChain FORWARD (policy ACCEPT 0 packets, 0 bytes)\n")
        #expect(noHeader.tables[0].truncated)
        let complete = try scan(whole + "\n")
        #expect(!complete.tables[0].truncated)
    }

    @Test func newTableBeginsWhereABuiltinChainComesAgain() throws {
        func chains(_ names: [String]) -> String {
            names.map { name in
                let policy = ChainInfo.builtinHook(name) != nil ? "policy ACCEPT 0 packets, 0 bytes" : "1 references"
                return "Chain \(name) (\(policy))\n\(Self.header)\n\n"
            }.joined()
        }
        let cases: [([String], [String])] = [
            (["INPUT", "FORWARD", "OUTPUT"], ["filter"]),
            (["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"], ["nat"]),
            (["PREROUTING", "OUTPUT", "POSTROUTING"], ["nat"]),
            (["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"], ["mangle"]),
            (["PREROUTING", "OUTPUT"], ["raw"]),
            (["MYCHAIN"], ["filter"]),
            (["POSTROUTING"], ["nat"]),
            (["INPUT", "FORWARD", "OUTPUT", "DOCKER", "PREROUTING", "INPUT", "OUTPUT", "POSTROUTING", "KUBE-X"],
             ["filter", "nat"]),
            (["INPUT", "FORWARD", "OUTPUT", "PREROUTING", "OUTPUT"], ["filter", "raw"]),
            (["INPUT", "FORWARD", "OUTPUT", "A", "INPUT", "FORWARD", "OUTPUT"], ["filter", "filter"]),
            (["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING", "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
             ["nat", "mangle"]),
            (["OUTPUT", "OUTPUT"], ["filter", "filter"]),
        ]
        for (names, tables) in cases {
            let s = try scan(chains(names))
            #expect(s.tables.map(\.name) == tables, "\(names)")
            #expect(s.tables.reduce(0) { $0 + $1.chainCount } == names.count)
        }
        let security = try scan(chains(["INPUT", "FORWARD", "OUTPUT"]), options: ParseOptions(table: "security"))
        #expect(security.tables.map(\.name) == ["security"])
    }

    @Test func familyComesFromTheOptionsOrTheAddresses() throws {
        let rule = "    0     0 ACCEPT     udp  --  *      *       ::/0                 ff02::fb/128         udp dpt:5353"
        let text = "Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n\(Self.header)\n\(rule)\n"
        #expect(try scan(text).tables[0].family == .ip6)
        #expect(try scan(text, wantsRules: false).tables[0].family == .ip6)
        // What the listing shows wins over --family, which is only the fallback.
        #expect(try scan(text, options: ParseOptions(family: .ip)).tables[0].family == .ip6)
        let icmp = "    0     0 ACCEPT     ipv6-icmp --  any    any     anywhere             anywhere"
        #expect(try scan("Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n\(Self.header)\n\(icmp)\n").tables[0].family == .ip6)
        let empty = "Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n\(Self.header)\n"
        #expect(try scan(empty).tables[0].family == .ip)
        #expect(try scan(empty, options: ParseOptions(family: .ip6)).tables[0].family == .ip6)
    }

    @Test func listingWithoutCountersStillReadsItsRules() throws {
        let s = try scan("""
            Chain INPUT (policy ACCEPT)
            target     prot opt source               destination
            ACCEPT     tcp  --  anywhere             anywhere             /* say "hi" */
                       udp  --  anywhere             anywhere
            Tue Nov 24 10:01:00 UTC 2026

            """)
        #expect(s.results[2] == .consumed && s.results[3] == .consumed && s.results[4] == .notMine)
        #expect(s.rows.map(\.text) == ["tcp -- anywhere anywhere /* say \"hi\" */", "udp -- anywhere anywhere"])
        #expect(s.rows.map(\.target) == ["ACCEPT", ""])
        #expect(s.tables[0].ruleCount == 2 && s.tables[0].countedCount == 0)
        #expect(s.tables[0].chains[0].policy == "ACCEPT" && s.tables[0].chains[0].packets == nil)
    }

    @Test func summaryModeCountsWhatRulesModeCounts() throws {
        for file in try expectedListings().map(\.0) {
            let full = try scan(try corpusBytes(file))
            let summary = try scan(try corpusBytes(file), wantsRules: false)
            #expect(full.tables.map(\.name) == summary.tables.map(\.name))
            #expect(full.tables.map(\.family) == summary.tables.map(\.family))
            #expect(full.tables.map(\.printedBytes) == summary.tables.map(\.printedBytes))
            #expect(full.tables.map(\.ruleCount) == summary.tables.map(\.ruleCount))
        }
    }
}

// MARK: - Real kernel output

private struct CommandFailed: Error, CustomStringConvertible {
    var description: String
}

/// Runs a command, feeding it `input`; its standard output, or an error carrying stderr.
private func run(_ arguments: [String], input: String? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe(), errors = Pipe(), feed = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = input == nil ? FileHandle.nullDevice : feed
    try process.run()
    if let input {
        feed.fileHandleForWriting.write(Data(input.utf8))
        try feed.fileHandleForWriting.close()
    }
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw CommandFailed(description: "\(arguments.joined(separator: " ")): \(String(decoding: err, as: UTF8.self))")
    }
    return String(decoding: out, as: UTF8.self)
}

/// Runs `body` with a network namespace of its own, deleted afterwards whatever happens.
private func withNamespace(_ body: (_ exec: ([String], String?) throws -> String) throws -> Void) throws {
    let name = "listing-test-\(UInt32.random(in: 0...UInt32.max))"
    _ = try run(["ip", "netns", "add", name])
    defer { _ = try? run(["ip", "netns", "del", name]) }
    try body { arguments, input in try run(["ip", "netns", "exec", name] + arguments, input: input) }
}

private let kernelAvailable = getuid() == 0
    && FileManager.default.isExecutableFile(atPath: "/usr/sbin/iptables")
    && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")

@Suite(.enabled(if: kernelAvailable, "needs root, ip and iptables"))
struct ListingScannerKernelTests {
    static let ruleset = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        [445123:146000000] -A PREROUTING -p tcp -m tcp --dport 443 -j REDIRECT --to-ports 47443
        [17:1020] -A POSTROUTING -o docker_gwbridge -j MASQUERADE
        COMMIT
        *filter
        :INPUT ACCEPT [233:75208]
        :FORWARD DROP [168000000:2690000]
        :OUTPUT ACCEPT [0:0]
        :KUBE-SERVICES-WITH-LONG-NAME - [0:0]
        :OTHER - [0:0]
        [445123:146000000] -A INPUT -p tcp -m comment --comment "say \\"hi\\" / to 'them'" -j ACCEPT
        [12345678901:98765432109876] -A FORWARD -i docker_gwbridge -o verylonginterf0 -j KUBE-SERVICES-WITH-LONG-NAME
        [99999:100000] -A FORWARD -p udp
        [100000:99999] -A FORWARD ! -s 10.0.0.0/8 ! -i lo -j DROP
        [9:10] -A KUBE-SERVICES-WITH-LONG-NAME -f -j DROP
        [1:1] -A KUBE-SERVICES-WITH-LONG-NAME -p tcp -g OTHER
        COMMIT

        """

    /// The two tables listed one after the other, as a capture script writes them.
    fileprivate static func listings(_ exec: ([String], String?) throws -> String, _ flags: [String]) throws -> Scan {
        let nat = try exec(["iptables", "-t", "nat", "-L"] + flags, nil)
        let filter = try exec(["iptables", "-t", "filter", "-L"] + flags, nil)
        return try scan(nat + filter)
    }

    @Test func everyFlagCombinationReadsTheSameRules() throws {
        try withNamespace { exec in
            _ = try exec(["iptables-restore", "--counters"], Self.ruleset)
            _ = try exec(["iptables", "-A", "INPUT", "-c", "3", "180", "-p", "udp", "-m", "comment",
                          "--comment", "line one\nline two", "-j", "ACCEPT"], nil)
            let exact = try Self.listings(exec, ["-v", "-x", "-n"])
            #expect(exact.invalid == [] && !exact.results.contains(.notMine))
            #expect(exact.tables.map(\.name) == ["nat", "filter"])
            #expect(exact.tables.map(\.family) == [.ip, .ip])
            #expect(exact.tables.map(\.chainCount) == [4, 5])
            let rows = exact.rows
            #expect(rows.count == 9)
            #expect(rows.allSatisfy { $0.packets?.isExact == true && $0.bytes?.isExact == true })
            #expect(rows[0].packets == .exact(445_123) && rows[0].bytes == .exact(146_000_000))
            #expect(rows[0].target == "REDIRECT" && rows[0].match == "tcp dpt:443 redir ports 47443")
            #expect(rows[1].outInterface == "docker_gwbridge" && rows[1].target == "MASQUERADE")
            #expect(rows[2].match == "/* say \"hi\" / to 'them' */")
            #expect(rows[3].match == "/* line one\nline two */" && rows[3].position == 2)
            #expect(rows[4].target == "KUBE-SERVICES-WITH-LONG-NAME")
            #expect(rows[4].inInterface == "docker_gwbridge" && rows[4].outInterface == "verylonginterf0")
            #expect(rows[4].packets == .exact(12_345_678_901) && rows[4].bytes == .exact(98_765_432_109_876))
            #expect(rows[5].target == "" && rows[5].proto == "17")
            #expect(rows[6].source == "!10.0.0.0/8" && rows[6].inInterface == "!lo")
            #expect(rows[7].opt == "-f" && rows[8].match == "[goto]" && rows[8].target == "OTHER")
            let forward = try #require(exact.tables[1].chains.first { $0.name == "FORWARD" })
            #expect(forward.policy == "DROP" && forward.packets == .exact(168_000_000) && forward.bytes == .exact(2_690_000))

            for flags in [["-v"], ["-v", "-n"], ["-v", "--line-numbers"], ["-v", "-n", "--line-numbers"],
                          ["-v", "-x"], ["-v", "-x", "--line-numbers"]] {
                let other = try Self.listings(exec, flags)
                #expect(other.invalid == [] && !other.results.contains(.notMine), "\(flags)")
                #expect(other.tables.map(\.name) == ["nat", "filter"], "\(flags)")
                let otherRows = other.rows
                #expect(otherRows.count == rows.count, "\(flags)")
                for (a, b) in zip(rows, otherRows) {
                    #expect(a.chain == b.chain && a.position == b.position && a.target == b.target, "\(flags) \(b)")
                    #expect(a.match.hasPrefix("/*") == b.match.hasPrefix("/*"), "\(flags) \(b)")
                    for (x, y) in [(a.packets, b.packets), (a.bytes, b.bytes)] {
                        let x = try #require(x), y = try #require(y)
                        #expect(y.lower <= x.lower && x.upper <= y.upper, "\(flags) \(b): \(x) not in \(y)")
                    }
                }
                let policy = try #require(other.tables[1].chains.first { $0.name == "FORWARD" })
                #expect(policy.packets.map { $0.lower <= 168_000_000 && 168_000_000 <= $0.upper } == true)
                #expect(policy.bytes.map { $0.lower <= 2_690_000 && 2_690_000 <= $0.upper } == true)
            }
            let named = try Self.listings(exec, ["-v"]).rows
            #expect(named[0].text == "tcp -- any any anywhere anywhere tcp dpt:https redir ports 47443")
            #expect(named[0].packets == Counter(lower: 444_500, upper: 445_499, printed: 445_000))
            #expect(named[3].text == "udp -- any any anywhere anywhere /* line one\nline two */")
        }
    }

    @Test func ip6tablesListingIsReadAsIPv6() throws {
        try withNamespace { exec in
            _ = try exec(["ip6tables-restore", "--counters"], """
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                [37519:2730000] -A INPUT -p ipv6-icmp -j ACCEPT
                [413:48385] -A INPUT -s ff02::fb/128 -p udp -m udp --dport 5353 -j ACCEPT
                [5:6] -A INPUT -p tcp
                COMMIT

                """)
            for flags in [["-v"], ["-v", "-n"], ["-v", "-x", "-n", "--line-numbers"]] {
                let s = try scan(try exec(["ip6tables", "-L"] + flags, nil))
                #expect(s.invalid == [], "\(flags)")
                #expect(s.tables.map(\.family) == [.ip6], "\(flags)")
                #expect(s.tables.map(\.name) == ["filter"], "\(flags)")
                #expect(s.rows.map(\.target) == ["ACCEPT", "ACCEPT", ""], "\(flags)")
                // ip6tables-nft 1.8.9 restores no counters: only the shape is checked.
                #expect(s.tables[0].countedCount == 3, "\(flags)")
            }
        }
    }
}
