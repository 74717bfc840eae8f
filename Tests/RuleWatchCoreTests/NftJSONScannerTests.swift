import Foundation
import Testing
@testable import RuleWatchCore

/// `nft -j list ruleset`: one long line or jq's many, in pieces split anywhere, cut off,
/// or garbled, and the same ruleset read from a real kernel.
@Suite struct NftJSONScannerTests {
    // MARK: - Corpus

    static let corpusFiles = ["nftjson-named-counters-pretty.txt", "nftjson-workstation-pretty-zero-counters.txt"]

    @Test("the corpus's nft JSON dumps give their published counts, pretty or on one line",
          arguments: corpusFiles)
    func corpusCounts(_ file: String) throws {
        let e = try #require(Corpus.expectations.first { $0.file == file })
        let pretty = try Corpus.bytes(file)
        for bytes in [pretty, compact(pretty)] {
            let run = feed(lines: bytes, wantsRules: false)
            #expect(run.problems.isEmpty)
            #expect(run.tables.map(\.chainCount).reduce(0, +) == e.chains)
            #expect(run.tables.map(\.countedCount).reduce(0, +) == e.counted)
            #expect(run.tables.map(\.ruleCount).reduce(0, +) == e.ruleLines)
            #expect(run.tables.allSatisfy { $0.format == .nftJSON && !$0.truncated })
        }
    }

    @Test("a pretty dump and its one-line form give the same rules, text included",
          arguments: corpusFiles)
    func prettyAndOneLineAgree(_ file: String) throws {
        let pretty = try Corpus.bytes(file)
        let a = feed(lines: pretty, wantsRules: true)
        let b = feed(lines: compact(pretty), wantsRules: true)
        #expect(a.problems.isEmpty && b.problems.isEmpty)
        #expect(a.summary == b.summary)
        #expect(a.summary.count > 1)
    }

    @Test("piece boundaries do not matter: a one-line document split at every byte")
    func everySplitPoint() throws {
        let escapes = #"{"nftables":[{"table":{"family":"ip","name":"t"}},{"rule":{"family":"ip","table":"t","chain":"c","expr":[{"match":{"right":"caf\u00e9 \"q\" \\ \ud83d\ude00"}},{"counter":{"packets":12345678901,"bytes":9}},{"jump":{"target":"x"}}]}}]}"#
        for doc in [compact(try Corpus.bytes("nftjson-named-counters-pretty.txt")), Array(escapes.utf8)] {
            let whole = feed(pieces: [doc], wantsRules: true)
            #expect(whole.problems.isEmpty)
            #expect(whole.tables.count == 1)
            for cut in 0...doc.count {
                let split = feed(pieces: [Array(doc[..<cut]), Array(doc[cut...])], wantsRules: true)
                #expect(split.summary == whole.summary, "split at \(cut)")
                #expect(split.problems.isEmpty, "split at \(cut)")
            }
            for size in [1, 2, 3, 7, 64] {
                let pieces = stride(from: 0, to: doc.count, by: size).map { Array(doc[$0..<min($0 + size, doc.count)]) }
                #expect(feed(pieces: pieces, wantsRules: true).summary == whole.summary, "pieces of \(size)")
                #expect(feed(pieces: pieces, wantsRules: false).counts == whole.counts, "pieces of \(size)")
            }
        }
    }

    // MARK: - What a rule reads as

    static let sample = #"""
    {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
     {"table": {"family": "inet", "name": "fw", "handle": 1}},
     {"chain": {"family": "inet", "table": "fw", "name": "input", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}},
     {"chain": {"family": "inet", "table": "fw", "name": "svc", "handle": 2}},
     {"counter": {"family": "inet", "name": "web", "table": "fw", "handle": 3, "packets": 5, "bytes": 500}},
     {"rule": {"family": "inet", "table": "fw", "chain": "input", "handle": 4, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 443}}, {"counter": {"packets": 7, "bytes": 420}}, {"accept": null}]}},
     {"rule": {"family": "inet", "table": "fw", "chain": "input", "handle": 5, "expr": [{"counter": "web"}, {"jump": {"target": "svc"}}]}},
     {"rule": {"family": "inet", "table": "fw", "chain": "svc", "handle": 6, "comment": "a \"quoted\" \\ caf\u00e9", "expr": [{"counter": {"packets": 1, "bytes": 60}}, {"redirect": {"port": 8080}}]}},
     {"rule": {"chain": "input", "expr": [{"counter": {"packets": 2, "bytes": 120}}, {"goto": {"target": "svc"}}], "table": "fw", "family": "inet"}},
     {"table": {"family": "ip", "name": "nat", "handle": 2}},
     {"rule": {"family": "ip", "table": "nat", "chain": "PREROUTING", "handle": 3, "expr": [{"xt": {"type": "match", "name": "comment"}}, {"counter": {"packets": 3, "bytes": 180}}, {"xt": {"name": "REDIRECT", "type": "target"}}]}},
     {"rule": {"family": "ip", "table": "nat", "chain": "POSTROUTING", "handle": 4, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "caf\u00e9"}}, {"masquerade": null}]}}
    ]}
    """#

    @Test("rules read their chain, position, target, counters and text; named counters are objects, not rules")
    func ruleFields() throws {
        let run = feed(lines: Array(Self.sample.utf8), wantsRules: true)
        #expect(run.problems.isEmpty)
        #expect(run.tables.map { "\($0.family) \($0.name) \($0.chainCount) \($0.ruleCount) \($0.countedCount) \($0.printedPackets) \($0.printedBytes)" }
                == ["inet fw 2 4 3 10 600", "ip nat 0 2 1 3 180"])
        #expect(run.tables.map(\.objectCount) == [1, 0] && run.tables[0].objectPackets == 5 && run.tables[0].objectBytes == 500)
        #expect(run.tables[0].chains == [ChainInfo(name: "input", policy: "drop", hook: "input", line: 3),
                                         ChainInfo(name: "svc", line: 4)])
        #expect(run.tables[0].firstLine == 2 && run.tables[1].firstLine == 10)
        #expect(run.rules == [
            "inet fw #0  5/500 counter web",
            #"inet fw input#1 accept 7/420 [{"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":443}},{"counter":null},{"accept":null}]"#,
            #"inet fw input#2 svc -/- [{"counter":"web"},{"jump":{"target":"svc"}}]"#,
            #"inet fw svc#1 redirect 1/60 [{"counter":null},{"redirect":{"port":8080}}]"#,
            #"inet fw input#3 svc 2/120 [{"counter":null},{"goto":{"target":"svc"}}]"#,
            #"ip nat PREROUTING#1 REDIRECT 3/180 [{"xt":{"type":"match","name":"comment"}},{"counter":null},{"xt":{"name":"REDIRECT","type":"target"}}]"#,
            #"ip nat POSTROUTING#1 masquerade -/- [{"match":{"op":"==","left":{"meta":{"key":"oifname"}},"right":"café"}},{"masquerade":null}]"#,
        ])
    }

    @Test("a string reads the same whatever escapes the dump used")
    func escapesAreCanonical() {
        let a = #"{"nftables":[{"rule":{"family":"ip","table":"t","chain":"c","expr":[{"match":{"right":"caf\u00e9 \/ \"q\" \\ \u0001 \t \ud83d\ude00"}}]}}]}"#
        let b = "{\"nftables\":[{\"rule\":{\"family\":\"ip\",\"table\":\"t\",\"chain\":\"c\",\"expr\":[{\"match\":{\"right\":\"café / \\\"q\\\" \\\\ \\u0001 \\t 😀\"}}]}}]}"
        let ra = feed(pieces: [Array(a.utf8)], wantsRules: true)
        let rb = feed(pieces: [Array(b.utf8)], wantsRules: true)
        #expect(ra.rules == rb.rules)
        #expect(ra.rules == [#"ip t c#1  -/- [{"match":{"right":"café / \"q\" \\ \u0001 \t 😀"}}]"#])
    }

    @Test("an escape in a key or value anywhere in a copied match reads as its character, cut at any byte")
    func escapesInCopiedContainers() {
        // Keys after `{` and after `,`, values after `:`, `[` and `,` in an array, a raw
        // tab, a string long enough to span words: each hands the copy back to the tokenizer.
        let escaped = #"{"nftables":[{"rule":{"family":"ip","table":"t","chain":"c","expr":[{"match":{"\u006fp": "==", "l\u0065ft": {"set": ["a\u0062", "x", "\u0063d", [1, "\""]]}, "right": "a long string with a \u00e9 in its middle and a tab"# + "\t" + #"here"}}, {"counter": {"packets": 3, "bytes": 4}}, {"drop": null}]}}]}"#
        let plain = #"{"nftables":[{"rule":{"family":"ip","table":"t","chain":"c","expr":[{"match":{"op": "==", "left": {"set": ["ab", "x", "cd", [1, "\""]]}, "right": "a long string with a é in its middle and a tab\there"}}, {"counter": {"packets": 3, "bytes": 4}}, {"drop": null}]}}]}"#
        let expected = [#"ip t c#1 drop 3/4 [{"match":{"op":"==","left":{"set":["ab","x","cd",[1,"\""]]},"right":"a long string with a é in its middle and a tab\there"}},{"counter":null},{"drop":null}]"#]
        let a = feed(pieces: [Array(escaped.utf8)], wantsRules: true)
        let b = feed(pieces: [Array(plain.utf8)], wantsRules: true)
        #expect(a.problems.isEmpty && b.problems.isEmpty)
        #expect(a.rules == expected)
        #expect(b.rules == expected)
        let doc = Array(escaped.utf8)
        for cut in 0...doc.count {
            let split = feed(pieces: [Array(doc[..<cut]), Array(doc[cut...])], wantsRules: true)
            #expect(split.rules == expected, "split at \(cut)")
        }
    }

    @Test("without wantsRules nothing is stored, the counts are the same")
    func summaryStoresNothing() {
        let run = feed(lines: Array(Self.sample.utf8), wantsRules: false)
        #expect(run.tables.allSatisfy { $0.rules.isEmpty && $0.chains.isEmpty })
        #expect(run.counts == feed(lines: Array(Self.sample.utf8), wantsRules: true).counts)
    }

    // MARK: - Where the document ends

    @Test("after the document, blank lines are its own and the next line is not")
    func afterTheDocument() throws {
        var s = NftJSONScanner(options: ParseOptions(), wantsRules: false, source: "x")
        var r = TableLog()
        #expect(try offer(&s, &r, #"{"nftables": [{"table": {"family": "ip", "name": "nat"}}]}  "#) == .consumed)
        #expect(r.tables.count == 1)
        #expect(try offer(&s, &r, "   ", 2) == .consumed)
        #expect(try offer(&s, &r, "*nat", 3) == .notMine)
        try s.finish(into: &r)
        #expect(r.tables.count == 1 && !r.tables[0].truncated)
    }

    @Test("a cut-off document hands on its last table truncated, and a timestamp after it is not its own",
          arguments: [40, 90, 130, 200])
    func cutOff(_ at: Int) throws {
        let doc = Array(#"{"nftables": [{"table": {"family": "ip", "name": "nat"}}, {"rule": {"family": "ip", "table": "nat", "chain": "c", "expr": [{"counter": {"packets": 1, "bytes": 2}}]}}, {"table": {"family": "ip", "name": "filter"}}]}"#.utf8)
        var s = NftJSONScanner(options: ParseOptions(), wantsRules: true, source: "x")
        var r = TableLog()
        _ = try offer(&s, &r, Array(doc[..<at]), 1)
        #expect(try offer(&s, &r, "2026-11-24T10:00:00Z", 2) == .notMine)
        try s.finish(into: &r)
        if at < 56 {
            // Cut inside the first table object: no table to hand on, a warning instead.
            #expect(r.tables.isEmpty && !r.warnings.isEmpty)
        } else {
            try #require(r.tables.count >= 1)
            #expect(r.tables.last!.truncated)
            #expect(r.tables.dropLast().allSatisfy { !$0.truncated })
        }
        // The scanner is ready for the next document.
        #expect(try offer(&s, &r, doc, 3) == .consumed)
        try s.finish(into: &r)
        #expect(r.tables.suffix(2).map(\.name) == ["nat", "filter"])
    }

    @Test("a cut-off one-line dump followed by a timestamp and a whole dump, through the capture parser")
    func cutOffInACapture() throws {
        let doc = #"{"nftables": [{"table": {"family": "ip", "name": "nat"}}, {"rule": {"family": "ip", "table": "nat", "chain": "c", "expr": [{"counter": {"packets": 1, "bytes": 2}}]}}]}"#
        let text = "2026-11-24T10:00:00Z\n" + doc.prefix(100) + "\n2026-11-24T10:01:00Z\n" + doc + "\n"
        let (sink, warnings) = try parseCapture(text, into: CollectingSink())
        #expect(sink.snapshots.count == 2)
        #expect(sink.snapshots.map(\.partial) == [true, false])
        #expect(sink.snapshots.map(\.rules.count) == [0, 1])
        #expect(!warnings.isEmpty)
    }

    @Test("jq output in a capture, between timestamps")
    func prettyInACapture() throws {
        let pretty = String(decoding: try Corpus.bytes("nftjson-workstation-pretty-zero-counters.txt"), as: UTF8.self)
        let text = "@1795514520\n" + pretty + "\n@1795514580\n" + pretty
        let (sink, warnings) = try parseCapture(text, into: CollectingSink())
        #expect(warnings.isEmpty)
        #expect(sink.snapshots.count == 2)
        #expect(sink.snapshots.map(\.rules.count) == [18, 18])
        #expect(sink.snapshots.map(\.partial) == [false, false])
    }

    // MARK: - Bad input

    @Test("a counter too large for 64 bits is a warning, not a trap")
    func hugeCounter() throws {
        let run = feed(pieces: [Array(#"{"nftables":[{"rule":{"family":"ip","table":"t","chain":"c","expr":[{"counter":{"packets":99999999999999999999999,"bytes":1.5}}]}}]}"#.utf8)],
                       wantsRules: true)
        #expect(!run.problems.isEmpty)
        #expect(run.tables.count == 1 && run.tables[0].countedCount == 1)
    }

    @Test("deep nesting, NULs, invalid UTF-8, junk and truncation never trap")
    func garbage() throws {
        let deep = Array(#"{"nftables":[{"rule":{"family":"ip","table":"t","chain":"c","expr":["#.utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        #expect(!feed(pieces: [deep], wantsRules: true).problems.isEmpty)
        let bad: [UInt8] = Array(#"{"nftables":[{"rule":{"family":"ip","table":"t","chain":"c\#u{0}","expr":[{"match":{"right":""#.utf8)
            + [0xFF, 0xC3, 0x00, 0x0A, 0x80] + Array(#""}},{"counter":{"packets":1,"bytes":1}}]}}]}"#.utf8)
        let run = feed(pieces: [bad], wantsRules: true)
        #expect(run.problems.isEmpty)
        #expect(run.tables.count == 1 && run.tables[0].countedCount == 1)
        var rng = SplitMix64(seed: 42)
        let base = compact(try Corpus.bytes("nftjson-named-counters-pretty.txt"))
        for _ in 0..<2000 {
            var doc = base
            for _ in 0..<3 { doc[Int(rng.next() % UInt64(doc.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            let cut = Int(rng.next() % UInt64(doc.count + 1))
            _ = feed(pieces: [Array(doc[..<cut])], wantsRules: true)
            _ = feed(pieces: [doc], wantsRules: Bool.random(using: &rng))
        }
    }

    @Test("a rule's text is cut at 1 MiB")
    func longRule() throws {
        let long = String(repeating: "x", count: 1 << 20)
        let doc = #"{"nftables":[{"rule":{"family":"ip","table":"t","chain":"c","expr":[{"match":{"right":""# + long + #""}},{"accept":null}]}}]}"#
        let run = feed(pieces: [Array(doc.utf8)], wantsRules: true)
        #expect(run.problems.contains { $0.contains("cut") })
        #expect(run.tables.count == 1 && run.tables[0].ruleCount == 1)
        run.tables[0].rules.forEach { r in
            #expect(r.text.count <= NftJSONScanner.maxRuleText)
            #expect(r.target == "accept")
        }
    }

    // MARK: - A real kernel

    @Test("a kernel's nft -j dump reads as its nft text dump: nft counters and iptables-nft xt targets")
    func realKernel() throws {
        guard geteuid() == 0, let nft = KernelFixture.findTool("nft"), let ip = KernelFixture.findTool("ip"),
              let restore = KernelFixture.findTool("iptables-restore") else {
            Issue.record("needs root, nft, ip and iptables-restore")
            return
        }
        let ns = "rulewatch-nftjson-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let (status, out) = try KernelFixture.run(ip, ["netns", "add", ns])
        try #require(status == 0, "ip netns add: \(out)")
        defer { _ = try? KernelFixture.run(ip, ["netns", "del", ns]) }
        func inNS(_ args: [String], stdin: String? = nil) throws -> String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: ip)
            p.arguments = ["netns", "exec", ns] + args
            let out = Pipe(), input = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            p.standardInput = input
            try p.run()
            if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
            try input.fileHandleForWriting.close()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(args)")
            return String(decoding: data, as: UTF8.self)
        }
        _ = try inNS([nft, "-f", "-"], stdin: """
            table inet rw {
                counter named { packets 9 bytes 900 }
                chain input { type filter hook input priority 0; policy accept;
                    tcp dport 22 counter packets 11 bytes 660 accept
                    tcp dport { 80, 443 } counter name "named" jump web
                    ip saddr 10.0.0.0/8 counter packets 5 bytes 300 drop
                    meta l4proto udp counter packets 0 bytes 0 comment "a b é"
                }
                chain web {
                    counter packets 123456789012 bytes 987654321098765 return
                }
            }
            """)
        _ = try inNS([restore, "--counters"], stdin: """
            *nat
            :PREROUTING ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :KUBE-SERVICES - [0:0]
            [7:420] -A PREROUTING -m comment --comment "kube" -j KUBE-SERVICES
            [3:180] -A KUBE-SERVICES -p tcp --dport 80 -j REDIRECT --to-ports 8080
            [2:120] -A OUTPUT -d 10.1.2.3/32 -p tcp -j DNAT --to-destination 10.9.9.9:80
            COMMIT
            *filter
            :INPUT ACCEPT [0:0]
            [4:240] -A INPUT -p tcp --dport 25 -j REJECT --reject-with tcp-reset
            [1:60] -A INPUT -m conntrack --ctstate INVALID -j DROP
            COMMIT

            """)
        let json = try inNS([nft, "-j", "list", "ruleset"])
        let text = try inNS([nft, "list", "ruleset"])
        #expect(json.split(separator: "\n").count == 1)

        // Independent counts from the text: statement lines of chain blocks, their counters.
        var textRules = 0, textCounted = 0
        var textPackets: UInt64 = 0
        var inChain = false
        for raw in text.split(separator: "\n") {
            let l = raw.trimmingCharacters(in: .whitespaces)
            if l.hasPrefix("chain ") { inChain = true; continue }
            if l == "}" { inChain = false; continue }
            guard inChain, !l.isEmpty, !l.hasPrefix("type ") else { continue }
            textRules += 1
            if let r = l.range(of: "counter packets ") {
                textCounted += 1
                textPackets += UInt64(l[r.upperBound...].prefix { $0.isNumber })!
            }
        }
        let run = feed(pieces: [Array(json.utf8)], wantsRules: true)
        #expect(run.problems.isEmpty)
        #expect(run.tables.map(\.ruleCount).reduce(0, +) == textRules)
        #expect(run.tables.map(\.countedCount).reduce(0, +) == textCounted)
        #expect(run.tables.map(\.printedPackets).reduce(0, +) == textPackets)
        #expect(textRules == 10 && textCounted == 9)

        // And through the capture parser, against the nft text scanner, rule by rule.
        let (fromJSON, w1) = try parseCapture(json, into: CollectingSink())
        let (fromText, w2) = try parseCapture(text, into: CollectingSink())
        #expect(w1.isEmpty && w2.isEmpty)
        let key = { (r: CollectingSink.Rule) in "\(r.family) \(r.table) \(r.chain)#\(r.position) \(r.packets?.printed ?? 0)/\(r.bytes?.printed ?? 0)" }
        #expect(Set(fromJSON.snapshots.flatMap(\.rules).map(key)) == Set(fromText.snapshots.flatMap(\.rules).map(key)))
        let targets = Set(fromJSON.snapshots.flatMap(\.rules).map { "\($0.chain) \($0.target)" })
        #expect(targets.isSuperset(of: ["PREROUTING KUBE-SERVICES", "KUBE-SERVICES REDIRECT", "OUTPUT DNAT",
                                        "INPUT REJECT", "INPUT drop", "input accept", "input web", "input drop", "web return"]),
                "\(targets.sorted())")

        // Split at every offset of the kernel's line: the same tables.
        let bytes = Array(json.utf8)
        let whole = feed(pieces: [bytes], wantsRules: true).summary
        for cut in stride(from: 0, through: bytes.count, by: 1) {
            #expect(feed(pieces: [Array(bytes[..<cut]), Array(bytes[cut...])], wantsRules: true).summary == whole)
        }
    }

    // MARK: - Helpers

    /// What a scanner handed on and answered.
    struct Run {
        var tables: [ParsedTable] = []
        var problems: [String] = []

        var counts: [String] {
            tables.map { "\($0.family) \($0.name) c=\($0.chainCount) r=\($0.ruleCount) n=\($0.countedCount) p=\($0.printedPackets) b=\($0.printedBytes) t=\($0.truncated)" }
        }
        var rules: [String] {
            var out: [String] = []
            for t in tables {
                t.rules.forEach { r in
                    let counters = r.packets.map { "\($0.printed)/\(r.bytes?.printed ?? 0)" } ?? "-/-"
                    out.append("\(t.family) \(t.name) \(r.chain.string)#\(r.position) \(r.target.string) \(counters) \(r.text.string)")
                }
            }
            return out
        }
        /// Chains without their line: a pretty dump and its one-line form differ there only.
        var summary: [String] {
            counts + rules + tables.flatMap { $0.chains.map { "\($0.name) \($0.policy ?? "-") \($0.hook ?? "-")" } }
        }
    }

    struct TableLog: TableReceiver {
        var tables: [ParsedTable] = []
        var warnings: [String] = []
        mutating func receive(_ table: inout ParsedTable) throws { tables.append(table) }
        mutating func warn(line: Int, _ message: String) throws { warnings.append(message) }
    }

    /// Offers one whole line.
    func offer(_ s: inout NftJSONScanner, _ r: inout TableLog, _ text: String, _ number: Int = 1) throws -> FeedResult {
        try offer(&s, &r, Array(text.utf8), number)
    }

    func offer(_ s: inout NftJSONScanner, _ r: inout TableLog, _ bytes: [UInt8], _ number: Int = 1) throws -> FeedResult {
        try bytes.withUnsafeBytes { try s.feed(Line(bytes: ByteSlice($0), number: number), into: &r) }
    }

    /// Feeds one line in the given pieces, then finishes.
    func feed(pieces: [[UInt8]], wantsRules: Bool) -> Run {
        var s = NftJSONScanner(options: ParseOptions(), wantsRules: wantsRules, source: "x")
        var log = TableLog()
        var run = Run()
        for (i, piece) in pieces.enumerated() {
            piece.withUnsafeBytes { raw in
                let l = Line(bytes: ByteSlice(raw), number: 1, isFirstPiece: i == 0, isLastPiece: i == pieces.count - 1)
                if case .invalid(let why) = try! s.feed(l, into: &log) { run.problems.append(why) }
            }
        }
        try! s.finish(into: &log)
        run.tables = log.tables
        run.problems += log.warnings
        return run
    }

    /// Feeds text line by line, each whole, then finishes.
    func feed(lines bytes: [UInt8], wantsRules: Bool) -> Run {
        var s = NftJSONScanner(options: ParseOptions(), wantsRules: wantsRules, source: "x")
        var log = TableLog()
        var run = Run()
        for (n, l) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            Array(l).withUnsafeBytes { raw in
                if case .invalid(let why) = try! s.feed(Line(bytes: ByteSlice(raw), number: n + 1), into: &log) {
                    run.problems.append(why)
                }
            }
        }
        try! s.finish(into: &log)
        run.tables = log.tables
        run.problems += log.warnings
        return run
    }

    /// JSON without its insignificant whitespace: the one-line form of a jq dump.
    func compact(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var inString = false, escaped = false
        for b in bytes {
            if inString {
                out.append(b)
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
            } else if b == UInt8(ascii: "\"") {
                inString = true
                out.append(b)
            } else if ![UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r")].contains(b) {
                out.append(b)
            }
        }
        return out
    }
}
