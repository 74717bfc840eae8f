import Foundation
import Testing
@testable import RuleWatchCore

/// What one scanner handed on for a text, fed line by line as `CaptureParser` feeds it.
struct ScannedText {
    struct Rule: Equatable, CustomStringConvertible {
        var chain: String, target: String, text: String
        var packets: UInt64?, bytes: UInt64?
        var position: Int, line: Int
        var description: String { "\(chain)#\(position) [\(packets.map(String.init) ?? "-")] \(target): \(text)" }
    }
    struct Table {
        var family: Family, name: String, format: DumpFormat, firstLine: Int
        var chainCount: Int, ruleCount: Int, countedCount: Int
        var packets: UInt64, bytes: UInt64
        var truncated: Bool, generatedAt: Int64?
        var chains: [ChainInfo], rules: [Rule]
    }
    var tables: [Table] = []
    var warnings: [(line: Int, message: String)] = []
    var notMine: [Int] = []
    var invalid: [(line: Int, message: String)] = []

    var chainCount: Int { tables.reduce(0) { $0 + $1.chainCount } }
    var ruleCount: Int { tables.reduce(0) { $0 + $1.ruleCount } }
    var countedCount: Int { tables.reduce(0) { $0 + $1.countedCount } }
    var packets: UInt64 { tables.reduce(0) { $0 + $1.packets } }
    var rules: [Rule] { tables.flatMap(\.rules) }

    private init() {}

    private struct Receiver: TableReceiver {
        var out = ScannedText()
        mutating func receive(_ t: inout ParsedTable) {
            var rules: [Rule] = []
            t.rules.forEach { r in
                rules.append(Rule(chain: r.chain.string, target: r.target.string, text: r.text.string,
                                  packets: r.packets?.printed, bytes: r.bytes?.printed,
                                  position: r.position, line: r.line))
            }
            out.tables.append(Table(family: t.family, name: t.name, format: t.format, firstLine: t.firstLine,
                                    chainCount: t.chainCount, ruleCount: t.ruleCount, countedCount: t.countedCount,
                                    packets: t.printedPackets, bytes: t.printedBytes, truncated: t.truncated,
                                    generatedAt: t.generatedAt, chains: t.chains, rules: rules))
        }
        mutating func warn(line: Int, _ message: String) { out.warnings.append((line, message)) }
    }

    /// Feeds every line of `bytes`; a `.notMine` line ends the section as the parser does.
    init<S: SectionScanner>(_ scanner: S.Type, _ bytes: [UInt8], wantsRules: Bool = true,
                            options: ParseOptions = ParseOptions()) throws {
        var scanner = S(options: options, wantsRules: wantsRules, source: "test")
        var receiver = Receiver()
        try bytes.withUnsafeBytes { raw in
            var start = 0
            var number = 0
            while start < raw.count {
                let end = raw[start...].firstIndex(of: ASCII.newline) ?? raw.count
                number += 1
                let line = Line(bytes: ByteSlice(UnsafeRawBufferPointer(rebasing: raw[start..<end])), number: number)
                switch try scanner.feed(line, into: &receiver) {
                case .consumed: break
                case .notMine:
                    receiver.out.notMine.append(number)
                    try scanner.finish(into: &receiver)
                case .invalid(let why): receiver.out.invalid.append((number, why))
                }
                start = end + 1
            }
            try scanner.finish(into: &receiver)
        }
        self = receiver.out
    }

    init<S: SectionScanner>(_ scanner: S.Type, _ text: String, wantsRules: Bool = true,
                            options: ParseOptions = ParseOptions()) throws {
        try self.init(scanner, Array(text.utf8), wantsRules: wantsRules, options: options)
    }
}

/// Runs a command in a network namespace made for one test and deleted after it.
struct ScratchNamespace: ~Copyable {
    let name = "rulewatch-savenft-\(getpid())-\(UInt32.random(in: 0 ... .max))"

    init() throws {
        guard geteuid() == 0 else { throw Failure(text: "needs root to create a network namespace") }
        try Self.run("/usr/sbin/ip", ["netns", "add", name])
    }

    deinit { _ = try? Self.run("/usr/sbin/ip", ["netns", "del", name]) }

    struct Failure: Error, CustomStringConvertible { var text: String; var description: String { text } }

    /// Runs `command` inside; returns its stdout (stderr, e.g. nft's iptables-nft warnings, dropped).
    @discardableResult
    func run(_ command: [String], input: String? = nil) throws -> [UInt8] {
        try Self.run("/usr/sbin/ip", ["netns", "exec", name] + command, input: input)
    }

    @discardableResult
    static func run(_ path: String, _ arguments: [String], input: String? = nil) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        let inPipe = Pipe()
        if input != nil { process.standardInput = inPipe }
        try process.run()
        if let input {
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try inPipe.fileHandleForWriting.close()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(text: "\(([path] + arguments).joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return Array(data)
    }
}

/// Scans a corpus file with and without storing rules and checks the counts `expected.tsv`
/// gives it, and that nothing in it was turned down.
func expectCorpusCounts<S: SectionScanner>(_ scanner: S.Type, _ e: Corpus.Expectation, format: DumpFormat,
                                           storedRule: (ScannedText.Rule) -> Bool = { _ in true }) throws {
    let bytes = try Corpus.bytes(e.file)
    for wantsRules in [true, false] {
        let scan = try ScannedText(scanner, bytes, wantsRules: wantsRules)
        #expect(scan.chainCount == e.chains)
        #expect(scan.countedCount == e.counted)
        #expect(scan.ruleCount == e.ruleLines)
        #expect(scan.packets == e.packets ?? 0)
        #expect(scan.invalid.isEmpty, "\(scan.invalid)")
        #expect(scan.notMine.isEmpty)
        #expect(scan.tables.allSatisfy { !$0.truncated && $0.format == format })
        if wantsRules {
            #expect(scan.rules.count == e.ruleLines)
            #expect(scan.tables.reduce(0) { $0 + $1.chains.count } == e.chains)
            let allKept = scan.rules.allSatisfy(storedRule)
            #expect(allKept)
        }
    }
}

@Suite struct SaveScannerTests {
    static let corpus = Corpus.expectations.filter { $0.file.hasPrefix("save-") }

    @Test(arguments: corpus)
    func corpusFileMatchesItsExpectedCounts(_ e: Corpus.Expectation) throws {
        try expectCorpusCounts(SaveScanner.self, e, format: .save)
    }

    @Test func ruleFieldsComeFromTheLine() throws {
        let scan = try ScannedText(SaveScanner.self, """
            # Generated by iptables-save v1.8.9 (nf_tables) on Tue Nov 24 10:01:00 2026
            *filter
            :INPUT ACCEPT [10:1000]
            :KUBE-SVC-X - [0:0]
            [7:420] -A INPUT -s 10.1.0.0/16 -m comment --comment "a \\"quoted\\" -j FAKE" -j KUBE-SVC-X
            [3:180] -A INPUT -p tcp -m tcp --dport 22 -j DROP
            [2:120] -A KUBE-SVC-X -g KUBE-SEP-Y
            [1:60] -A KUBE-SVC-X -m mark --mark 0x1
            COMMIT
            # Completed on Tue Nov 24 10:01:00 2026
            """)
        let t = try #require(scan.tables.first)
        #expect(scan.tables.count == 1 && t.name == "filter" && t.family == .ip && !t.truncated)
        #expect(t.firstLine == 2)
        #expect(t.generatedAt == 1_795_514_460_000_000_000)
        #expect(t.rules == [
            .init(chain: "INPUT", target: "KUBE-SVC-X",
                  text: #"-A INPUT -s 10.1.0.0/16 -m comment --comment "a \"quoted\" -j FAKE" -j KUBE-SVC-X"#,
                  packets: 7, bytes: 420, position: 1, line: 5),
            .init(chain: "INPUT", target: "DROP", text: "-A INPUT -p tcp -m tcp --dport 22 -j DROP",
                  packets: 3, bytes: 180, position: 2, line: 6),
            .init(chain: "KUBE-SVC-X", target: "KUBE-SEP-Y", text: "-A KUBE-SVC-X -g KUBE-SEP-Y",
                  packets: 2, bytes: 120, position: 1, line: 7),
            .init(chain: "KUBE-SVC-X", target: "", text: "-A KUBE-SVC-X -m mark --mark 0x1",
                  packets: 1, bytes: 60, position: 2, line: 8),
        ])
        #expect(t.chains == [
            ChainInfo(name: "INPUT", policy: "ACCEPT", hook: "input", packets: .exact(10), bytes: .exact(1000), line: 3),
            ChainInfo(name: "KUBE-SVC-X", line: 4),
        ])
        #expect(t.packets == 13 && t.bytes == 780 && t.countedCount == 4)
    }

    @Test func generatedAtIsReadInTheGivenZone() throws {
        let text = "# Generated by iptables-save v1.8.9 on Tue Nov 24 10:01:00 2026\n*nat\nCOMMIT\n"
        let scan = try ScannedText(SaveScanner.self, text, options: ParseOptions(timeZone: .offset(3600)))
        #expect(scan.tables.first?.generatedAt == Int64(1_795_510_860) * 1_000_000_000)
    }

    @Test func trailingSpacesAndCarriageReturnsAreTrimmed() throws {
        let scan = try ScannedText(SaveScanner.self,
                                   "*filter\r\n:INPUT ACCEPT [0:0]\r\n[1:2] -A INPUT -j LOG --log-prefix \"in \" \r\nCOMMIT \r\n")
        #expect(scan.rules.map(\.text) == [#"-A INPUT -j LOG --log-prefix "in ""#])
        #expect(scan.rules.map(\.target) == ["LOG"])
        #expect(scan.tables.count == 1 && !scan.tables[0].truncated && scan.invalid.isEmpty)
    }

    @Test func plainSaveRulesCarryNoCounters() throws {
        let scan = try ScannedText(SaveScanner.self, "*filter\n:INPUT DROP [5:500]\n-A INPUT -j ACCEPT\nCOMMIT\n")
        #expect(scan.rules.map(\.packets) == [nil])
        #expect(scan.ruleCount == 1 && scan.countedCount == 0 && scan.packets == 0)
        #expect(scan.tables[0].chains[0].packets == .exact(5))
    }

    @Test func quoteOpenAtLineEndCarriesTheRuleOn() throws {
        let text = """
            *filter
            [4:40] -A INPUT -m comment --comment "first line
              second \\" line" -j ACCEPT
            [1:10] -A INPUT -m comment --comment "x" -j DROP
            COMMIT
            """
        for wantsRules in [true, false] {
            let scan = try ScannedText(SaveScanner.self, text, wantsRules: wantsRules)
            #expect(scan.ruleCount == 2 && scan.packets == 5 && scan.invalid.isEmpty && scan.warnings.isEmpty)
            if wantsRules {
                #expect(scan.rules[0].text == "-A INPUT -m comment --comment \"first line\n  second \\\" line\" -j ACCEPT")
                #expect(scan.rules[0].target == "ACCEPT" && scan.rules[0].line == 2)
                #expect(scan.rules[1].position == 2 && scan.rules[1].line == 4)
            }
        }
    }

    @Test func unclosedQuoteDoesNotSwallowTheNextRule() throws {
        let scan = try ScannedText(SaveScanner.self, "*filter\n[1:1] -A INPUT --comment \"oops\n[2:2] -A INPUT -j DROP\nCOMMIT\n")
        #expect(scan.ruleCount == 2 && scan.packets == 3)
        #expect(scan.rules.map(\.text) == ["-A INPUT --comment \"oops", "-A INPUT -j DROP"])
        #expect(scan.warnings.count == 1 && !scan.tables[0].truncated)
    }

    @Test func saveWithoutCommitIsTruncated() throws {
        let scan = try ScannedText(SaveScanner.self, "*filter\n:INPUT ACCEPT [0:0]\n[1:2] -A INPUT -j DROP\n")
        #expect(scan.tables.count == 1 && scan.tables[0].truncated && scan.ruleCount == 1)
        // A new table before COMMIT cuts the previous one off.
        let two = try ScannedText(SaveScanner.self, "*nat\n-A POSTROUTING -j MASQUERADE\n*filter\nCOMMIT\n")
        #expect(two.tables.map(\.truncated) == [true, false])
        #expect(two.tables.map(\.name) == ["nat", "filter"])
    }

    @Test func familyComesFromTheHeaderOrTheAddresses() throws {
        let header = try ScannedText(SaveScanner.self, "# Generated by ip6tables-save v1.8.9 on Tue Nov 24 10:01:00 2026\n*filter\n-A INPUT -j DROP\nCOMMIT\n")
        #expect(header.tables.map(\.family) == [.ip6])
        let addresses = try ScannedText(SaveScanner.self, "*filter\n-A INPUT -j DROP\n-A INPUT -s fe80::/10 -j ACCEPT\nCOMMIT\n")
        #expect(addresses.tables.map(\.family) == [.ip6])
        let v4 = try ScannedText(SaveScanner.self, "*filter\n-A INPUT ! -d 10.0.0.1/32 -j ACCEPT\nCOMMIT\n",
                                 options: ParseOptions(family: .ip6))
        #expect(v4.tables.map(\.family) == [.ip])
        let told = try ScannedText(SaveScanner.self, "*filter\n-A INPUT -j DROP\nCOMMIT\n", options: ParseOptions(family: .ip6))
        #expect(told.tables.map(\.family) == [.ip6])
    }

    @Test func linesAroundTheDumpAreNotMine() throws {
        for line in ["2026-11-24T10:00:00Z", "Tue Nov 24 10:01:00 UTC 2026", "@1795514520", "# egress ok=1 total=2",
                     "Chain INPUT (policy ACCEPT 0 packets, 0 bytes)", "table ip filter {", "{\"nftables\": []}"] {
            let scan = try ScannedText(SaveScanner.self, "*filter\n-A INPUT -j DROP\n\(line)\n-A INPUT -j DROP\nCOMMIT\n")
            #expect(scan.notMine.first == 3, "\(line)")
            #expect(scan.tables.first?.truncated == true, "\(line)")
        }
        let comment = try ScannedText(SaveScanner.self, "*filter\n# Usage: sudo iptables-restore < x\n\n-A INPUT -j DROP\nCOMMIT\n")
        #expect(comment.notMine.isEmpty && comment.invalid.isEmpty && comment.ruleCount == 1)
    }

    @Test func junkInsideATableIsInvalid() throws {
        let scan = try ScannedText(SaveScanner.self, "*filter\n[1:x] -A INPUT\n-X FOO\nwhatever\n-A INPUT -j DROP\nCOMMIT\n")
        #expect(scan.invalid.map(\.line) == [2, 3, 4])
        #expect(scan.ruleCount == 1 && scan.tables.count == 1 && !scan.tables[0].truncated)
    }

    @Test func summaryCountsMatchRuleCounts() throws {
        let text = (1...200).map { "[\($0):\($0 * 60)] -A KUBE-SVC-\($0 % 7) -m comment --comment \"ns/svc:\($0)\" -j KUBE-SEP-\($0)" }
            .joined(separator: "\n")
        let full = try ScannedText(SaveScanner.self, "*nat\n" + text + "\nCOMMIT\n")
        let fast = try ScannedText(SaveScanner.self, "*nat\n" + text + "\nCOMMIT\n", wantsRules: false)
        #expect(full.packets == 20_100 && fast.packets == 20_100 && fast.tables[0].bytes == 1_206_000)
        #expect(fast.rules.isEmpty && fast.tables[0].chains.isEmpty && fast.chainCount == 0)
        // Rules of a chain that are not together keep counting where they left off.
        #expect(full.rules.filter { $0.chain == "KUBE-SVC-3" }.map(\.position) == Array(1...29))
    }

    @Test func positionsStartAgainInEachTable() throws {
        // The chains' positions are forgotten between tables, not carried into the next.
        let table = "*nat\n:A - [0:0]\n:B - [0:0]\n-A A -j B\n-A B -j ACCEPT\n-A A -j RETURN\n-A B -j DROP\nCOMMIT\n"
        let scan = try ScannedText(SaveScanner.self, table + table.replacingOccurrences(of: "*nat", with: "*mangle"))
        #expect(scan.tables.count == 2)
        for t in scan.tables {
            #expect(t.rules.map(\.position) == [1, 1, 2, 2])
            #expect(t.rules.map(\.target) == ["B", "ACCEPT", "RETURN", "DROP"])
        }
    }

    @Test func positionsHoldWhenRulesLeaveTheDeclaredOrder() throws {
        // Chains in declared order, then A again (out of order), an undeclared chain, and a
        // chain further on than the next few declared: each chain counts on from where it was.
        let empty = (1...20).map { ":E\($0) - [0:0]\n" }.joined()
        let text = "*filter\n:A - [0:0]\n:B - [0:0]\n:C - [0:0]\n" + empty + ":F - [0:0]\n"
            + "-A A -j ACCEPT\n-A A -j DROP\n-A B -j ACCEPT\n-A A -j RETURN\n-A C -j ACCEPT\n-A U -j DROP\n-A B -j DROP\n-A F -j DROP\n-A U -j ACCEPT\nCOMMIT\n"
            + "*nat\n:A - [0:0]\n:B - [0:0]\n" + empty + ":F - [0:0]\n-A A -j ACCEPT\n-A F -j DROP\n-A F -j DROP\n-A B -j ACCEPT\nCOMMIT\n"
        let scan = try ScannedText(SaveScanner.self, text)
        #expect(scan.tables.count == 2)
        #expect(scan.tables[0].rules.map { "\($0.chain)\($0.position)" } == ["A1", "A2", "B1", "A3", "C1", "U1", "B2", "F1", "U2"])
        #expect(scan.tables[1].rules.map { "\($0.chain)\($0.position)" } == ["A1", "F1", "F2", "B1"])
    }

    @Test func theTargetIsTheFirstJumpOutsideQuotes() throws {
        let scan = try ScannedText(SaveScanner.self, """
            *filter
            -A INPUT -m comment --comment "say -j NOT -g THIS" -j ACCEPT
            -A INPUT -m comment --comment "a \\" -j X" -g LOGGING
            -A INPUT -p tcp
            COMMIT

            """)
        #expect(scan.tables.first?.rules.map(\.target) == ["ACCEPT", "LOGGING", ""])
    }

    @Test func ip6tablesSaveFromTheKernel() throws {
        let ns = try ScratchNamespace()
        try ns.run(["ip6tables-restore", "--counters"], input: """
            *filter
            :INPUT DROP [3:300]
            [9:900] -A INPUT -s 2001:db8::/32 -p tcp -m tcp --dport 443 -j ACCEPT
            [1:100] -A INPUT -j REJECT --reject-with icmp6-port-unreachable
            COMMIT

            """)
        let scan = try ScannedText(SaveScanner.self, try ns.run(["ip6tables-save", "-c"]))
        let t = try #require(scan.tables.first)
        #expect(scan.tables.count == 1 && t.family == .ip6 && t.name == "filter" && t.generatedAt != nil)
        #expect(t.rules.map(\.target) == ["ACCEPT", "REJECT"])
        #expect(t.rules.allSatisfy { $0.packets != nil && $0.bytes != nil })
        #expect(t.chains.first { $0.name == "INPUT" }?.packets == .exact(3))
        // ip6tables-restore does not always restore rule counters: compare with nft's view instead.
        let nft = try ScannedText(NftTextScanner.self, try ns.run(["nft", "list", "ruleset"]))
        let table = try #require(nft.tables.first { $0.family == .ip6 && $0.name == "filter" })
        #expect(table.rules.map(\.packets) == t.rules.map(\.packets) && table.rules.map(\.bytes) == t.rules.map(\.bytes))
        #expect(table.rules.map(\.target) == ["accept", "reject"])
    }
}
