import Testing
import RuleWatchCore

/// Totals corrected for resets over a capture's history.
@Suite struct CounterTotalsTests {
    static func save(_ web: Int, svc: [Int]) -> String {
        var out = "*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SVC-A - [0:0]\n"
        out += "[\(web):\(web * 60)] -A PREROUTING -p tcp -m tcp --dport 443 -j REDIRECT --to-ports 47443\n"
        for (i, c) in svc.enumerated() {
            out += "[\(c):\(c * 100)] -A KUBE-SVC-A -p tcp -m tcp --dport \(9000 + i) -j DNAT --to-destination 10.0.0.\(i + 1):80\n"
        }
        return out + "COMMIT\n"
    }

    static func history(_ snapshots: [String]) throws -> CaptureHistory {
        var text = ""
        for (i, s) in snapshots.enumerated() { text += "@\(1_795_514_400 + i * 60)\n" + s }
        var h = CaptureHistory()
        try CaptureParser().parse(bytes: Array(text.utf8), name: "t", into: &h)
        return h
    }

    static func total(_ h: CaptureHistory, _ totals: CounterTotals, containing text: String) -> CounterTotals.RuleTotal? {
        let index = h.rules.firstIndex { $0.text.contains(text) }
        return index.flatMap { totals.rules[$0] }
    }

    @Test func resetAddsTheNewCounterAndTotalsNeverGoDown() throws {
        // The chain is rewritten (counters restart) between the second and third snapshot.
        let h = try Self.history([Self.save(10, svc: [100, 200]), Self.save(25, svc: [150, 260]),
                                  Self.save(30, svc: [5, 7]), Self.save(30, svc: [9, 7])])
        let totals = CounterTotals(h)
        let a = try #require(Self.total(h, totals, containing: "9000"))
        #expect(a.packets == 100 + 50 + 5 + 4)
        #expect(a.bytes == (100 + 50 + 5 + 4) * 100)
        #expect(a.resets == 1)
        #expect(a.moved)
        let b = try #require(Self.total(h, totals, containing: "9001"))
        #expect(b.packets == 200 + 60 + 7)
        let web = try #require(Self.total(h, totals, containing: "47443"))
        #expect(web.packets == 30)
        #expect(web.resets == 0)
        let svc = try #require(h.chains.firstIndex { $0.name == "KUBE-SVC-A" })
        // Two rules reset in one snapshot: one rewrite of the chain.
        #expect(totals.chainResets[svc] == 1)
        let pre = try #require(h.chains.firstIndex { $0.name == "PREROUTING" })
        #expect(totals.chainResets[pre] == 0)
    }

    @Test func totalsOfAPrefixNeverExceedTheWhole() throws {
        let snapshots = [Self.save(10, svc: [100, 200]), Self.save(25, svc: [150, 260]),
                         Self.save(3, svc: [5, 7]), Self.save(4, svc: [9, 7])]
        var previous: [String: UInt64] = [:]
        for n in 1...snapshots.count {
            let h = try Self.history(Array(snapshots.prefix(n)))
            let totals = CounterTotals(h)
            for (i, r) in h.rules.enumerated() {
                guard let t = totals.rules[i] else { continue }
                #expect(t.packets >= previous[r.id] ?? 0, "\(r.text) went down after snapshot \(n)")
                previous[r.id] = t.packets
            }
        }
    }

    @Test func ruleThatNeverMovedIsNotCounting() throws {
        let h = try Self.history([Self.save(10, svc: [100, 200]), Self.save(10, svc: [100, 201])])
        let totals = CounterTotals(h)
        #expect(Self.total(h, totals, containing: "47443")?.moved == false)
        #expect(Self.total(h, totals, containing: "9000")?.moved == false)
        #expect(Self.total(h, totals, containing: "9001")?.moved == true)
    }

    @Test func ruleAppearingMidCaptureWithTrafficIsCounting() throws {
        let before = "*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SVC-A - [0:0]\n[100:6000] -A KUBE-SVC-A -p tcp -m tcp --dport 9000 -j DNAT --to-destination 10.0.0.1:80\nCOMMIT\n"
        let h = try Self.history([before, Self.save(5, svc: [100])])
        let web = try #require(Self.total(h, CounterTotals(h), containing: "47443"))
        #expect(web.moved)
        #expect(web.packets == 5)
    }

    @Test func rulesWithoutCountersHaveNoTotal() throws {
        let plain = "*nat\n:PREROUTING ACCEPT\n-A PREROUTING -p tcp -m tcp --dport 443 -j REDIRECT --to-ports 47443\nCOMMIT\n"
        let h = try Self.history([plain, plain])
        let totals = CounterTotals(h)
        let index = try #require(h.rules.firstIndex { $0.text.contains("47443") })
        #expect(totals.rules[index] == nil)
    }
}
