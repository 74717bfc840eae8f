import Testing
@testable import RuleWatchCore

/// The history keeps what changed, and its series are those of every sample.
@Suite struct SeriesChangeTests {
    /// One snapshot's samples, as a dump showed them: rule, and counters (`nil`: uncounted).
    typealias Shown = [(rule: Int, packets: Counter?, bytes: Counter?)]

    static let listing = """
        Chain INPUT (policy ACCEPT 0 packets, 0 bytes)
         pkts bytes target     prot opt in     out     source               destination
            1    60 ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:8000
            1    60 ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:8001
            1    60 DROP       6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:8002
            1    60 ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:8003
            1    60 REJECT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:8004
            1    60 ACCEPT     6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:8005

        """

    /// A history holding the listing's rules (and INPUT's policy) and no snapshots.
    func emptyHistory() throws -> CaptureHistory {
        var h = CaptureHistory()
        try CaptureParser().parse(bytes: Array(("@1795514400\n" + Self.listing).utf8), name: "t", into: &h)
        h.snapshots = []
        h.chunks = []
        h.lastSamples = _LastSamples()
        return h
    }

    func snapshot(_ h: CaptureHistory, _ s: Int, shows: Bool) -> HistorySnapshot {
        var snap = HistorySnapshot(index: s, time: s == 3 ? nil : Int64(1_795_514_400 + 60 * s) * 1_000_000_000,
                                   source: "t", line: s + 1)
        snap.tables = shows ? [0] : []
        return snap
    }

    /// The series as the history made them when it kept every sample: a rule's samples in
    /// the window in snapshot order, deltas between them, from zero for a rule that appeared.
    func reference(_ h: CaptureHistory, _ full: [Shown], _ window: Range<Int>) -> [RuleSeries] {
        var out: [RuleSeries] = []
        for rule in 0..<h.rules.count {
            var series = RuleSeries(rule: rule)
            var previous: (snapshot: Int, packets: Counter, bytes: Counter)?
            for s in window {
                for sample in full[s] where sample.rule == rule {
                    let p = sample.packets ?? .exact(0)
                    let b = sample.packets == nil ? .exact(0) : sample.bytes ?? .exact(0)
                    if sample.packets == nil { series.hasCounters = false }
                    let seconds: (Int, Int) -> Double? = { from, to in
                        guard let a = h.snapshots[from].time, let c = h.snapshots[to].time, c > a else { return nil }
                        return Double(c - a) / 1e9
                    }
                    // No delta over an interval in which time did not move on (the parser warns).
                    let movesOn: (Int, Int) -> Bool = { from, to in
                        guard let a = h.snapshots[from].time, let c = h.snapshots[to].time else { return true }
                        return c > a
                    }
                    if let q = previous {
                        if movesOn(q.snapshot, s) {
                            series.deltas.append(CaptureHistory.delta(from: q.packets, q.bytes, to: p, b, snapshot: s,
                                                                      seconds: seconds(q.snapshot, s)))
                        }
                    } else if s > window.lowerBound, h.snapshotShows(s - 1, table: h.rules[rule].table), movesOn(s - 1, s) {
                        var d = CaptureHistory.delta(from: .exact(0), .exact(0), to: p, b, snapshot: s, seconds: seconds(s - 1, s))
                        d.appeared = true
                        series.deltas.append(d)
                    }
                    previous = (s, p, b)
                    series.snapshots.append(s)
                    series.packets.append(p)
                    series.bytes.append(b)
                }
            }
            if !series.snapshots.isEmpty { out.append(series) }
        }
        return out
    }

    func series(_ h: CaptureHistory, _ window: Range<Int>) -> [RuleSeries] {
        var out: [RuleSeries] = []
        h.forEachSeries(in: window) { out.append($0) }
        return out
    }

    func same(_ a: [RuleSeries], _ b: [RuleSeries]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            x.rule == y.rule && x.snapshots == y.snapshots && x.packets == y.packets && x.bytes == y.bytes
                && x.deltas == y.deltas && x.hasCounters == y.hasCounters
        }
    }

    /// Random snapshots over the rules: rules missing and coming back, counters still, growing,
    /// falling (resets), abbreviated, uncounted, a rule shown twice, a snapshot showing nothing.
    func randomSnapshots(rules: Int, count: Int, seed: UInt64) -> [Shown] {
        var rng = SplitMix64(seed: seed)
        var current = (0..<rules).map { _ in (packets: Counter.exact(rng.next() % 50), bytes: Counter.exact(rng.next() % 3000)) }
        var out: [Shown] = []
        for s in 0..<count {
            var shown: Shown = []
            if s == 5 { out.append([]); continue }
            for r in 0..<rules {
                if rng.next() % 6 == 0 { continue }  // not shown
                switch rng.next() % 8 {
                case 0: current[r] = (.exact(current[r].packets.printed + 7), .exact(current[r].bytes.printed + 420))
                case 1: current[r] = (.exact(rng.next() % 5), .exact(rng.next() % 300))
                case 2: current[r] = (Counter.abbreviated(445 + rng.next() % 2, steps: 1)!, .exact(26_000_000))
                default: break
                }
                let uncounted = r == 1 && s % 4 == 2
                shown.append((r, uncounted ? nil : current[r].packets, uncounted ? nil : current[r].bytes))
                if r == rules - 1, s % 3 == 1 {
                    shown.append((r, .exact(current[r].packets.printed + 1), .exact(current[r].bytes.printed)))
                }
            }
            out.append(shown)
        }
        return out
    }

    @Test func unchangedSamplesAreNotKept() throws {
        var text = ""
        for (i, counts) in ["100 6000", "100 6000", "160 9600", "160 9600"].enumerated() {
            text += "@\(1_795_514_400 + i * 60)\nChain INPUT (policy ACCEPT 0 packets, 0 bytes)\n pkts bytes target prot opt in out source destination\n"
            text += " \(counts) ACCEPT 6 -- * * 0.0.0.0/0 0.0.0.0/0 tcp dpt:80\n    5   300 DROP   6 -- * * 0.0.0.0/0 0.0.0.0/0 tcp dpt:81\n\n"
        }
        var h = CaptureHistory()
        try CaptureParser().parse(bytes: Array(text.utf8), name: "t", into: &h)
        // Snapshot 1: all three (two rules and the policy) as they first appeared; then only
        // the one that grew, once.
        #expect(h.chunks.map(\.count) == [3, 0, 1, 0])
        let s = series(h, 0..<4).filter { !h.rules[$0.rule].isPolicy }
        #expect(s.map(\.snapshots) == [[0, 1, 2, 3], [0, 1, 2, 3]])
        #expect(s[0].deltas.map(\.packets) == [0, 60, 0])
        #expect(s[1].packets == Array(repeating: .exact(5), count: 4))
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func fullSamplesAndChangesGiveTheSeriesOfEverySample(seed: UInt64) throws {
        var full = try emptyHistory()
        var changes = full
        let ruleCount = full.rules.count
        let snapshots = randomSnapshots(rules: ruleCount, count: 14, seed: seed)
        var before: [Int: (Counter?, Counter?)] = [:]
        for (s, shown) in snapshots.enumerated() {
            var samples = _SampleChunk()
            for x in shown { samples.append(rule: Int32(x.rule), packets: x.packets, bytes: x.bytes) }
            full.appendSnapshot(snapshot(full, s, shows: s != 5), samples: samples)

            // The changes, as a store would tell them.
            var now: [Int: [(Counter?, Counter?)]] = [:]
            for x in shown { now[x.rule, default: []].append((x.packets, x.bytes)) }
            changes.appendChangedSnapshot(time: snapshot(full, s, shows: true).time, source: "t", line: s + 1, egress: nil,
                                          tables: s == 5 ? [] : [0]) { c in
                for x in shown {
                    let all = now[x.rule]!
                    if let last = before[x.rule], all.count == 1, last.0 == x.packets, last.1 == x.bytes { continue }
                    c.append(rule: x.rule, packets: x.packets, bytes: x.bytes)
                }
                for r in before.keys.sorted() where now[r] == nil { c.vanish(rule: r) }
            }
            before = now.mapValues { $0.last! }
        }
        let n = snapshots.count
        for window in [0..<n, 3..<n, 6..<9, 2..<3, 5..<6, 4..<4] {
            let expected = reference(full, snapshots, window)
            #expect(same(series(full, window), expected), "full samples, window \(window)")
            #expect(same(series(changes, window), expected), "changes only, window \(window)")
        }
        // Fewer kept than shown: the still ones are left out.
        #expect(full.keptSampleCount < snapshots.reduce(0) { $0 + $1.count })

        // Read back out, every sample each snapshot showed, in rule order.
        var lent: [Shown] = Array(repeating: [], count: n)
        full.forEachShownSample(in: 0..<n) { s, r, p, b in lent[s].append((r, p, b)) }
        for s in 0..<n {
            let expected = snapshots[s].enumerated().sorted { ($0.element.rule, $0.offset) < ($1.element.rule, $1.offset) }.map(\.element)
            #expect(lent[s].map(\.rule) == expected.map(\.rule), "snapshot \(s)")
            #expect(lent[s].map(\.packets) == expected.map(\.packets), "snapshot \(s)")
        }
    }

    @Test func parsedCaptureKeepsTheSameSeriesWhateverTheWindow() throws {
        // The incident capture: rules appear mid-capture, counters climb and sit still.
        var h = CaptureHistory()
        try CaptureParser().parse(files: [Self.sample("incident/capture.txt")], into: &h)
        var full: [Shown] = Array(repeating: [], count: h.snapshots.count)
        h.forEachShownSample(in: 0..<h.snapshots.count) { s, r, p, b in full[s].append((r, p, b)) }
        #expect(h.keptSampleCount < full.reduce(0) { $0 + $1.count })
        for window in [0..<h.snapshots.count, 2..<6, 4..<h.snapshots.count] {
            #expect(same(series(h, window), reference(h, full, window)), "window \(window)")
        }
    }

    static func sample(_ path: String) -> String {
        var dir = #filePath
        for _ in 0..<3 { dir = String(dir[..<dir.lastIndex(of: "/")!]) }
        return dir + "/Samples/" + path
    }
}
