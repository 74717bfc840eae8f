import Testing
@testable import RuleWatchCore

/// Deltas per interval, abbreviated counters, egress alignment.
@Suite struct SeriesTests {
    func listing(_ counts: [String]) -> String {
        var out = "Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n pkts bytes target     prot opt in     out     source               destination\n"
        for (i, c) in counts.enumerated() {
            out += " \(c) ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:\(8000 + i)\n"
        }
        return out + "\nChain FORWARD (policy ACCEPT 0 packets, 0 bytes)\n pkts bytes target     prot opt in     out     source               destination\n\nChain OUTPUT (policy ACCEPT 0 packets, 0 bytes)\n pkts bytes target     prot opt in     out     source               destination\n\n"
    }

    func series(_ snapshots: [[String]], step: Int = 60) throws -> [RuleSeries] {
        var text = ""
        for (i, s) in snapshots.enumerated() {
            text += "@\(1_795_514_400 + i * step)\n" + listing(s)
        }
        var h = CaptureHistory()
        try CaptureParser().parse(bytes: Array(text.utf8), name: "t", into: &h)
        var out: [RuleSeries] = []
        h.forEachSeries(in: 0..<h.snapshots.count) { if !h.rules[$0.rule].isPolicy { out.append($0) } }
        return out
    }

    @Test func exactDeltasAndRates() throws {
        let s = try series([["100 6000"], ["160 9600"], ["160 9600"]])
        #expect(s[0].deltas.map(\.packets) == [60, 0])
        #expect(s[0].deltas[0].rate == 1.0)
        #expect(s[0].deltas.map(\.rose) == [true, false])
        #expect(s[0].deltas[0].bytes == 3600)
    }

    @Test func abbreviatedCounterClimbsOnlyWhenLowerBoundRises() throws {
        let s = try series([["445K 26M"], ["445K 26M"], ["446K 26M"]])
        #expect(s[0].deltas.map(\.rose) == [false, true])
        #expect(s[0].deltas[1].packets == 1000)
        #expect(s[0].deltas[1].packetsAtLeast == 1)
        #expect(s[0].deltas.allSatisfy { !$0.reset })
    }

    @Test func counterGoingDownIsAResetCountedFromZero() throws {
        let s = try series([["500 30000"], ["20 1200"]])
        #expect(s[0].deltas[0].reset)
        #expect(s[0].deltas[0].packets == 20)
    }

    @Test func ruleAppearingMidCaptureCountsFromZero() throws {
        let s = try series([["5 300"], ["5 300", "234 14040"]])
        let new = s.first { $0.snapshots == [1] }!
        #expect(new.appearedAt == 1)
        #expect(new.deltas[0].packets == 234)
    }

    @Test func egressCSVRowsFallIntoTheirIntervals() throws {
        let csv = "time,ok,total\n2026-11-24T10:00:30Z,10,10\n2026-11-24T10:01:00Z,5,10\n2026-11-24T10:01:30Z,0,10\n"
        let egress = try EgressSeries.parseCSV(Array(csv.utf8), file: "e.csv")
        #expect(egress.rows.count == 3)
        #expect(egress.sample(after: 1_795_514_400_000_000_000, upTo: 1_795_514_460_000_000_000) == EgressSample(ok: 15, total: 20))
    }

    @Test func egressCSVErrorsNameTheLine() {
        let csv = "time,ok,total\n2026-11-24T10:00:30Z,10,10\nyesterday,1,2\n"
        #expect(throws: CaptureError.self) { try EgressSeries.parseCSV(Array(csv.utf8), file: "e.csv") }
        do { _ = try EgressSeries.parseCSV(Array(csv.utf8), file: "e.csv") } catch {
            #expect("\(error)".hasPrefix("error: e.csv:3:"))
        }
    }

    /// The series a walk lends, by rule, as (snapshots, packets, deltas).
    func lent(_ h: CaptureHistory, _ window: Range<Int>, quiet: (Int) -> Bool = { _ in false })
        -> [Int: ([Int], [Counter], [IntervalDelta])] {
        var out: [Int: ([Int], [Counter], [IntervalDelta])] = [:]
        h.forEachSeries(in: window, quiet: quiet) { out[$0.rule] = ($0.snapshots, $0.packets, $0.deltas) }
        return out
    }

    @Test func quietIsAskedOnlyOfRulesShownThroughTheWindowWithZeroCounters() throws {
        // dpt:8000 counts; 8001 stays zero; 8002 is zero, then counts; 8003 appears at
        // snapshot 1 with zero counters.
        let snapshots = [["5 300", "0 0", "0 0"], ["9 540", "0 0", "0 0", "0 0"], ["12 720", "0 0", "3 180", "0 0"]]
        var text = ""
        for (i, s) in snapshots.enumerated() { text += "@\(1_795_514_400 + i * 60)\n" + listing(s) }
        var h = CaptureHistory()
        try CaptureParser().parse(bytes: Array(text.utf8), name: "t", into: &h)
        func port(_ rule: Int) -> String? {
            h.rules[rule].isPolicy ? nil : String(h.rules[rule].text.split(separator: ":").last!)
        }
        for (window, quietPorts) in [(0..<3, ["8001"]), (1..<3, ["8001", "8003"])] {
            let all = lent(h, window)
            var asked: [Int] = []
            let kept = lent(h, window) { asked.append($0); return true }
            // Policy counters of zero are quiet too.
            #expect(Set(asked.compactMap(port)) == Set(quietPorts))
            #expect(Set(asked).isDisjoint(with: kept.keys))
            #expect(Set(asked).union(kept.keys) == Set(all.keys))
            for (rule, s) in kept {
                #expect(s.0 == all[rule]!.0 && s.1 == all[rule]!.1 && s.2 == all[rule]!.2)
            }
            // Asked, but declined: lent as before.
            let declined = lent(h, window) { _ in false }
            #expect(declined.count == all.count)
            for rule in asked {
                let s = all[rule]!
                #expect(s.1.allSatisfy { $0.upper == 0 } && s.2.allSatisfy { !$0.appeared && $0.packets == 0 })
                #expect(s.0 == Array(window))
            }
        }
    }
}
