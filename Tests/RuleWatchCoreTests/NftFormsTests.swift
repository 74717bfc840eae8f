import Foundation
import Testing
@testable import RuleWatchCore

/// The nft forms beyond plain rules, written by a real `nft` after real traffic
/// (`NftFormsFixture`): chain bindings, named counters and verdict maps, in text and JSON
/// alike; empty dumps; time out of order; ip6tables listings that show no address.
@Suite("nft forms from a real kernel", .serialized)
struct NftFormsTests {
    let fixture: NftFormsFixture

    init() throws {
        fixture = try NftFormsFixture.shared()
    }

    enum Form: String, CaseIterable, CustomTestStringConvertible {
        case text = "forms.nft"
        case json = "forms.json"
        var testDescription: String { rawValue }
    }

    func collect(_ form: Form) throws -> FormsCollector {
        let (sink, warnings) = try parseFiles([fixture.url(form.rawValue)], into: FormsCollector())
        #expect(warnings.isEmpty, "\(warnings.map(\.description))")
        return sink
    }

    func summary(_ name: String) throws -> Summary {
        let (sink, warnings) = try parseFiles([fixture.url(name)], into: Summary())
        #expect(warnings.isEmpty, "\(warnings.map(\.description))")
        return sink
    }

    // MARK: - Chain bindings

    @Test("a chain binding's rules are rules of a chain named by the rule that binds it, with their own counters",
          arguments: Form.allCases)
    func bindingRulesHaveTheirOwnCounters(_ form: Form) throws {
        let run = try collect(form)
        let binder = try #require(run.rules.first { $0.chain == "out" && $0.position == 1 })
        // Three datagrams to port 53 (make-dumps.sh), all through the binding and its accept.
        #expect(binder.packets == 3)
        #expect(binder.target.hasPrefix("out{") && binder.target.hasSuffix("}"))
        #expect(binder.text.hasSuffix(form == .text ? "jump {}" : #""jump {}"]"#), "\(binder.text)")
        let inner = run.rules.filter { $0.chain == binder.target }
        #expect(inner.map(\.position) == [1, 2])
        #expect(inner.map(\.target) == ["accept", "drop"])
        #expect(inner.map(\.packets) == [3, 0])
        #expect(inner[0].bytes == binder.bytes)
        // The anonymous chain is counted as a chain: out, the binding's, iptables-nft's OUTPUT.
        #expect(run.chainCount == 3)
    }

    @Test("text and JSON give a binding the same rules and counters")
    func bindingTextAndJSONAgree() throws {
        let text = try collect(.text)
        let json = try collect(.json)
        func inner(_ run: FormsCollector) -> [String] {
            let binder = run.rules.first { $0.chain == "out" && $0.position == 1 }!
            return run.rules.filter { $0.chain == binder.target }.map { "\($0.position) \($0.target) \($0.packets ?? 99)" }
        }
        #expect(inner(text) == inner(json))
        #expect(!inner(text).isEmpty)
        #expect(json.rules.filter { $0.chain.hasPrefix("out{") }.allSatisfy { $0.text.hasPrefix("[\"") && $0.text.hasSuffix("\"]") })
    }

    @Test("a binding listed as a kernel-named chain of its own reads as the binding nft 1.0.6 prints")
    func kernelNamedBinding() throws {
        // Newer nft may list a binding as `{"jump": {"target": "__chain0"}}` and the chain's
        // rules as objects of their own. The nft here prints a string; this rewrites its real
        // dump into that form, the inner rules' counters taken from it.
        var text = try fixture.text(Form.json.rawValue)
        let real = try collect(.json)
        let binderName = try #require(real.rules.first { $0.chain == "out" && $0.position == 1 }?.target)
        let inner = real.rules.filter { $0.chain == binderName }
        #expect(inner.count == 2)
        let binding = try #require(text.range(of: #""jump {\n"#))
        let bindingEnd = try #require(text.range(of: #"}""#, range: binding.upperBound..<text.endIndex))
        text.replaceSubrange(binding.lowerBound..<bindingEnd.upperBound, with: #"{"jump": {"target": "__chain0"}}"#)
        let rules = #"{"rule": {"family": "inet", "table": "rw", "chain": "__chain0", "handle": 20, "expr": "#
            + #"[{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "127.0.0.1"}}, "#
            + #"{"counter": {"packets": \#(inner[0].packets!), "bytes": \#(inner[0].bytes!)}}, {"accept": null}]}}, "#
            + #"{"rule": {"family": "inet", "table": "rw", "chain": "__chain0", "handle": 21, "expr": "#
            + #"[{"counter": {"packets": \#(inner[1].packets!), "bytes": \#(inner[1].bytes!)}}, {"drop": null}]}}, "#
        // The chain with the others, its rules after those of the chain that binds it.
        let firstRule = try #require(text.range(of: #"{"rule": "#))
        text.insert(contentsOf: #"{"chain": {"family": "inet", "table": "rw", "name": "__chain0", "handle": 9}}, "#, at: firstRule.lowerBound)
        let nextTable = try #require(text.range(of: #"{"table": {"family": "ip", "name": "filter""#))
        text.insert(contentsOf: rules, at: nextTable.lowerBound)
        let rewritten = Array(text.utf8)
        var sink = FormsCollector()
        var warnings: [Diagnostic] = []
        try CaptureParser { warnings.append($0) }.parse(bytes: Array(rewritten), name: "newer.json", into: &sink)
        #expect(warnings.isEmpty, "\(warnings.map(\.description))")
        func shape(_ run: FormsCollector) -> [String] {
            run.rules.map { "\($0.chain)#\($0.position) \($0.target) \($0.packets.map(String.init) ?? "-")" }
        }
        // The same rules, chains and counters; the binding's rules come later in this form.
        #expect(shape(sink).sorted() == shape(real).sorted())
        #expect(shape(sink).count == 11)
        #expect(sink.chainCount == real.chainCount)
        // The binder's text, and so its identity, is the same in both forms.
        #expect(sink.rules.first { $0.chain == "out" }?.text == real.rules.first { $0.chain == "out" }?.text)
    }

    @Test("the binding's summary path counts what its rules path stores", arguments: Form.allCases)
    func bindingSummaryAgreesWithRules(_ form: Form) throws {
        let run = try collect(form)
        let s = try summary(form.rawValue)
        let rules = run.rules.filter { !$0.isObject }
        #expect(s.rules == rules.count && s.rules == 9)
        #expect(s.counted == rules.filter { $0.packets != nil }.count && s.counted == 7)
        #expect(s.packets == rules.compactMap(\.packets).reduce(0, +))
        #expect(s.chains == 3)
    }

    // MARK: - Named counters

    @Test("counter objects are series of their own, counted apart; rules that name them have no counters",
          arguments: Form.allCases)
    func namedCounters(_ form: Form) throws {
        let run = try collect(form)
        let objects = run.rules.filter(\.isObject)
        // c1 was loaded at 12 packets and counted the two datagrams to port 9.
        #expect(objects.map(\.text) == ["counter c1", "counter c2"])
        #expect(objects.map(\.packets) == [14, 0])
        #expect(objects.allSatisfy { $0.chain.isEmpty && $0.target.isEmpty })
        let naming = run.rules.filter { !$0.isObject && $0.chain == "out" && ($0.position == 2 || $0.position == 3) }
        #expect(naming.count == 2)
        #expect(naming.allSatisfy { $0.packets == nil && $0.bytes == nil }, "\(naming)")
        let s = try summary(form.rawValue)
        #expect(s.objects == 2)
        #expect(s.line.hasSuffix(" objects=2"))
    }

    @Test("a named counter climbs like a rule in the history", arguments: ["capture-nft.txt", "capture-json.txt"])
    func namedCounterHasASeries(_ file: String) throws {
        var history = CaptureHistory()
        try CaptureParser().parse(files: [fixture.url(file).path], into: &history)
        let objects = history.rules.indices.filter { history.rules[$0].isObject }
        #expect(objects.map { history.rules[$0].text } == ["counter c1", "counter c2"])
        var c1: RuleSeries?
        history.forEachSeries(in: 0..<history.snapshots.count) { if $0.rule == objects.first { c1 = $0 } }
        let series = try #require(c1)
        #expect(series.snapshots == [0, 1, 4, 5])
        #expect(series.packets[0].printed == 14)
        let result = Analyzer().analyze(history)
        #expect(result.rules == history.rules.filter { !$0.isPolicy && !$0.isObject }.count)
    }

    // MARK: - Verdict maps

    @Test("a rule ending in a verdict map gets a vmap target, and one that may drop discards", arguments: Form.allCases)
    func verdictMaps(_ form: Form) throws {
        let run = try collect(form)
        let maps = run.rules.filter { $0.target.hasPrefix("vmap") }
        #expect(maps.map(\.target) == ["vmap {accept, drop}", "vmap @ports"])
        // One datagram to each of the map's two keys.
        #expect(maps.map(\.packets) == [2, 2])
        #expect(TargetClass(target: maps[0].target) == .discard)
        #expect(TargetClass(target: "vmap {accept, return}") == .accept)
        #expect(TargetClass(target: maps[1].target) == .other)
    }

    @Test("a vmap rule's target class reaches the history", arguments: ["capture-nft.txt", "capture-json.txt"])
    func verdictMapClassInHistory(_ file: String) throws {
        var history = CaptureHistory()
        try CaptureParser().parse(files: [fixture.url(file).path], into: &history)
        let map = try #require(history.rules.first { $0.target == "vmap {accept, drop}" })
        #expect(map.targetClass == .discard)
    }

    // MARK: - Anonymous chains keep their identity

    @Test("a binding's rules keep one identity across snapshots and a reload", arguments: ["capture-nft.txt", "capture-json.txt"])
    func bindingIdentityIsStable(_ file: String) throws {
        var history = CaptureHistory()
        try CaptureParser().parse(files: [fixture.url(file).path], into: &history)
        let anonymous = history.chains.indices.filter { history.chains[$0].name.hasPrefix("out{") }
        #expect(anonymous.count == 1)
        let inner = history.rules.indices.filter { anonymous.contains(history.rules[$0].chain) }
        #expect(inner.count == 2)
        var shown: [[Int]] = []
        history.forEachSeries(in: 0..<history.snapshots.count) { if inner.contains($0.rule) { shown.append($0.snapshots) } }
        #expect(shown == [[0, 1, 4, 5], [0, 1, 4, 5]])
        let binder = try #require(history.rules.first { $0.target == history.chains[anonymous[0]].name })
        #expect(binder.targetClass == .jump)
    }

    // MARK: - Empty dumps

    @Test("a timestamp followed by no dump, or nft -j's metainfo alone, is a snapshot with no rules",
          arguments: ["capture-nft.txt", "capture-json.txt", "capture-save.txt"])
    func emptyDumpsAreSnapshots(_ file: String) throws {
        let (run, warnings) = try parseFiles([fixture.url(file)], into: FormsCollector())
        #expect(warnings.isEmpty, "\(warnings.map(\.description))")
        #expect(run.snapshots.count == 6)
        #expect(run.snapshots.map(\.tables.isEmpty) == [false, false, true, true, false, false])
        #expect(run.snapshots.map { $0.header.time.map { CivilTime.iso8601(nanoseconds: $0) } ?? "-" }
                == (0...5).map { "2026-11-24T10:0\($0):00Z" })
        #expect(Set(run.rules.map(\.snapshot)) == [0, 1, 4, 5])
        // `2026-11-24T10:00:00Z # egress ok=10 total=10`: one line, read as both.
        #expect(run.snapshots[0].header.egress == EgressSample(ok: 10, total: 10))
        #expect(run.snapshots.dropFirst().allSatisfy { $0.header.egress == nil })
        let s = try summary(file)
        #expect(s.snapshots == 6)
    }

    // MARK: - Time out of order

    @Test("time that goes backwards or stands still is a warning with both times and the line; no delta over it")
    func timeOutOfOrder() throws {
        let capture = try fixture.text("capture-nft.txt")
        // The capture's last snapshot again, stamped before it, then once more at the same time.
        let last = try #require(capture.range(of: "2026-11-24T10:05:00Z\n"))
        let dump = String(capture[last.upperBound...])
        let text = capture + "2026-11-24T10:04:30Z\n" + dump + "2026-11-24T10:04:30Z\n" + dump
        var history = CaptureHistory()
        var warnings: [Diagnostic] = []
        try CaptureParser { warnings.append($0) }.parse(bytes: Array(text.utf8), name: "capture", into: &history)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let backwards = lines.firstIndex(of: "2026-11-24T10:04:30Z")! + 1
        let still = lines.lastIndex(of: "2026-11-24T10:04:30Z")! + 1
        let fifth = lines.firstIndex(of: "2026-11-24T10:05:00Z")! + 1
        #expect(warnings.map(\.description) == [
            "warning: capture:\(backwards): time goes backwards: 2026-11-24T10:04:30Z after 2026-11-24T10:05:00Z at line \(fifth); no rate is taken over this interval",
            "warning: capture:\(still): time stands still: 2026-11-24T10:04:30Z again, as at line \(backwards); no rate is taken over this interval",
        ])
        #expect(history.snapshots.count == 8)
        var deltaEnds = Set<Int>()
        history.forEachSeries(in: 0..<8) { s in for d in s.deltas { deltaEnds.insert(d.snapshot) } }
        #expect(!deltaEnds.contains(6) && !deltaEnds.contains(7))
        #expect(deltaEnds.contains(5))
    }

    // MARK: - ip6tables listings without addresses

    @Test("an ip6tables listing is ip6 by an IPv6 address in its match text or its legacy-tables header")
    func ip6tablesFamilyIsInferred() throws {
        for (file, table) in [("ip6-dnat.txt", "nat"), ("ip6-legacy-header.txt", "filter")] {
            let (run, warnings) = try parseFiles([fixture.url(file)], into: FormsCollector())
            #expect(warnings.isEmpty, "\(file): \(warnings.map(\.description))")
            #expect(run.snapshots.flatMap(\.tables) == ["ip6 \(table)"], "\(file)")
            // --family is a fallback: what the listing shows wins.
            let (forced, _) = try parseFiles([fixture.url(file)], into: FormsCollector(), options: ParseOptions(family: .ip))
            #expect(forced.snapshots.flatMap(\.tables) == ["ip6 \(table)"], "\(file)")
        }
        // Ports only, every address `anywhere`: nothing to tell, so --family decides.
        let (plain, _) = try parseFiles([fixture.url("ip6-plain.txt")], into: FormsCollector())
        #expect(plain.snapshots.flatMap(\.tables) == ["ip filter"])
        let (told, _) = try parseFiles([fixture.url("ip6-plain.txt")], into: FormsCollector(), options: ParseOptions(family: .ip6))
        #expect(told.snapshots.flatMap(\.tables) == ["ip6 filter"])
    }
}
