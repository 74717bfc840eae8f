import Testing
@testable import RuleWatchCore

/// nft's rule handles: read from `nft -a` text and `nft -j`, kept per rule as the latest
/// snapshot printed them, never part of a rule's identity, and named by the remove step.
@Suite struct NftHandleTests {
    static func dump(handles: [Int]?, packets: Int) -> String {
        func h(_ i: Int) -> String { handles.map { " # handle \($0[i])" } ?? "" }
        return """
            table ip nat {\(h(0))
            \tchain PREROUTING {\(h(0))
            \t\ttype nat hook prerouting priority dstnat; policy accept;
            \t\ttcp dport 443 counter packets \(packets) bytes \(packets * 60) redirect to :47443\(h(1))
            \t\ttcp dport 80 counter packets 0 bytes 0 redirect to :47080\(h(2))
            \t}
            }

            """
    }

    static func history(_ text: String) throws -> CaptureHistory {
        var h = CaptureHistory()
        try CaptureParser().parse(bytes: Array(text.utf8), name: "capture.txt", into: &h)
        return h
    }

    static func steps(_ h: CaptureHistory, port: String) throws -> NextSteps {
        let rule = try #require(h.rules.first { $0.text.contains("dport \(port) ") })
        return NextSteps.commands(for: rule, chain: h.chains[rule.chain], table: h.tables[rule.table])
    }

    @Test func textHandleIsTheLatestSnapshotsAndNotPartOfTheIdentity() throws {
        // The second snapshot is the same ruleset reloaded: the same rules, new handles.
        let h = try Self.history("2026-01-01T00:00:00Z\n" + Self.dump(handles: [1, 4, 5], packets: 0)
            + "2026-01-01T00:01:00Z\n" + Self.dump(handles: [2, 11, 12], packets: 10))
        #expect(h.snapshots.count == 2)
        #expect(h.rules.filter { !$0.isPolicy }.count == 2)
        #expect(h.rules.filter { !$0.isPolicy }.map(\.handle) == [11, 12])
        #expect(!h.rules.contains { $0.text.contains("handle") })
        let steps = try Self.steps(h, port: "443")
        #expect(steps.remove == ["nft delete rule ip nat PREROUTING handle 11"])
        #expect(steps.check.isEmpty)
    }

    @Test func sameRulesWithAndWithoutHandlesAreOneIdentity() throws {
        let plain = try Self.history("2026-01-01T00:00:00Z\n" + Self.dump(handles: nil, packets: 0))
        let handled = try Self.history("2026-01-01T00:00:00Z\n" + Self.dump(handles: [1, 4, 5], packets: 0))
        #expect(plain.rules.map(\.id) == handled.rules.map(\.id))
        #expect(plain.rules.map(\.handle).allSatisfy { $0 == 0 })
    }

    @Test func withoutHandlesTheStepSaysHowToGetOne() throws {
        // The latest snapshot printed none: the older handle may be stale, so none is named.
        let h = try Self.history("2026-01-01T00:00:00Z\n" + Self.dump(handles: [1, 4, 5], packets: 0)
            + "2026-01-01T00:01:00Z\n" + Self.dump(handles: nil, packets: 10))
        let steps = try Self.steps(h, port: "443")
        #expect(steps.check == ["nft -a list chain ip nat PREROUTING"])
        #expect(steps.remove == ["nft delete rule ip nat PREROUTING handle N"])
    }

    @Test func jsonRuleHandleIsKeptAndTableAndChainHandlesAreNot() throws {
        let json = """
            {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, \
            {"table": {"family": "ip", "name": "nat", "handle": 3}}, \
            {"chain": {"family": "ip", "table": "nat", "name": "PREROUTING", "handle": 1, "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}}, \
            {"rule": {"family": "ip", "table": "nat", "chain": "PREROUTING", "handle": 4294967295, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 80}}, {"counter": {"packets": 3, "bytes": 180}}, {"redirect": {"port": 47080}}]}}, \
            {"rule": {"family": "ip", "table": "nat", "chain": "PREROUTING", "handle": 52, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 443}}, {"counter": {"packets": 3, "bytes": 180}}, {"redirect": {"port": 47443}}]}}]}

            """
        let h = try Self.history("2026-01-01T00:00:00Z\n" + json)
        let rules = h.rules.filter { !$0.isPolicy }
        #expect(rules.count == 2)
        #expect(rules.map(\.handle) == [UInt32.max, 52])
        #expect(rules.allSatisfy { !$0.text.contains("handle") })
        let rule = rules[1]
        let steps = NextSteps.commands(for: rule, chain: h.chains[rule.chain], table: h.tables[rule.table])
        #expect(steps.remove == ["nft delete rule ip nat PREROUTING handle 52"])
    }

    @Test func traceStartsWhereAFlowToTheChainEnters() {
        #expect(NextSteps.traceHooks("prerouting") == ["prerouting"])
        #expect(NextSteps.traceHooks("input") == ["prerouting"])
        #expect(NextSteps.traceHooks("output") == ["output"])
        // A jumped-to chain and postrouting see both the node's own traffic and forwarded.
        #expect(NextSteps.traceHooks(nil) == ["prerouting", "output"])
        #expect(NextSteps.traceHooks("postrouting") == ["prerouting", "output"])
    }
}
