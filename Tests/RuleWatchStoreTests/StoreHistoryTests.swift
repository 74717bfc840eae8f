import Foundation
import GRDB
import RuleWatchCore
import RuleWatchStore
import Testing

@Suite struct StoreHistoryTests {
    func parsed(_ bytes: [UInt8]) throws -> CaptureHistory {
        var h = CaptureHistory()
        try bytes.withUnsafeBytes { try CaptureParser().parse(bytes: $0, name: "capture.txt", into: &h) }
        return h
    }

    func storeWithIncident(_ dir: Scratch) throws -> RuleStore {
        let store = try RuleStore(path: dir.path("rw.db"))
        let outcome = try store.ingest(bytes: try IncidentSample.bytes(), name: "capture.txt", request: IngestRequest(source: "n1"))
        #expect(outcome.stored.count == 8)
        return store
    }

    @Test func rebuiltRulesHaveTheRuleIDsAnalyzeComputes() throws {
        let dir = try Scratch()
        let store = try storeWithIncident(dir)
        let direct = try parsed(try IncidentSample.bytes())
        let rebuilt = try store.history(source: "n1")
        #expect(rebuilt.rules.map(\.id) == direct.rules.map(\.id))
        #expect(rebuilt.rules.map(\.text) == direct.rules.map(\.text))
        #expect(rebuilt.rules.map(\.canonical) == direct.rules.map(\.canonical))
        #expect(rebuilt.snapshots.map(\.time) == direct.snapshots.map(\.time))
        #expect(rebuilt.snapshots.map(\.egress) == direct.snapshots.map(\.egress))
        #expect(Analyzer().analyze(rebuilt).json() == Analyzer().analyze(direct).json())
    }

    @Test func tcpReadingsAreStoredWithTheirSnapshot() throws {
        // The incident's snapshots with `# tcp` lines after their egress lines, as collect writes them.
        let snaps = try IncidentSample.snapshots()
        var text = ""
        for (k, snap) in snaps.enumerated() {
            var lines = snap.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let readings = [TCPReading(namespace: "host", active: UInt64(100 + 10 * k), fails: UInt64(k), synRetrans: UInt64(2 * k), rsts: 3),
                            TCPReading(namespace: "cni-1234", active: UInt64(50 + 7 * k), fails: UInt64(k > 4 ? 6 * k : 0),
                                       synRetrans: UInt64(k > 4 ? 20 * k : 0), rsts: 0, refused: UInt64(k > 4 ? k : 0))]
            lines.insert(contentsOf: readings.map(\.line), at: 2)
            text += lines.joined(separator: "\n")
        }
        let dir = try Scratch()
        let store = try RuleStore(path: dir.path("rw.db"))
        _ = try store.ingest(bytes: Array(text.utf8), name: "tcp.txt", request: IngestRequest(source: "t"))
        let direct = try parsed(Array(text.utf8))
        let rebuilt = try store.history(source: "t")
        #expect(direct.snapshots.allSatisfy { $0.tcp.count == 2 })
        #expect(rebuilt.snapshots.map(\.tcp) == direct.snapshots.map(\.tcp))
        #expect(Analyzer().analyze(rebuilt).json() == Analyzer().analyze(direct).json())
    }

    @Test(arguments: [[7, 0, 1, 2, 3, 4, 5, 6], [0, 2, 1, 3, 5, 4, 7, 6], [7, 6, 5, 4, 3, 2, 1, 0]])
    func snapshotsArrivingOutOfOrderGoInTheirPlace(order: [Int]) throws {
        let snaps = try IncidentSample.snapshots()
        let dir = try Scratch()
        let store = try RuleStore(path: dir.path("rw.db"))
        for k in order {
            let outcome = try store.ingest(bytes: Array(snaps[k].utf8), name: "snapshot-\(k)", request: IngestRequest(source: "n"))
            #expect(outcome.stored.count == 1, "snapshot \(k) of \(order)")
        }
        let direct = try parsed(try IncidentSample.bytes())
        let rebuilt = try store.history(source: "n")
        #expect(rebuilt.snapshots.map(\.time) == direct.snapshots.map(\.time))
        #expect(Analyzer().analyze(rebuilt).json() == Analyzer().analyze(direct).json())
        // The next snapshot, in order again, encodes against the right state.
        let more = snaps[7].replacingOccurrences(of: "2026-11-26T01:25:09Z", with: "2026-11-26T01:25:12Z")
        _ = try store.ingest(bytes: Array(more.utf8), name: "more", request: IngestRequest(source: "n"))
        var longer = try IncidentSample.snapshots().joined()
        longer += more
        #expect(Analyzer().analyze(try store.history(source: "n")).json() == Analyzer().analyze(try parsed(Array(longer.utf8))).json())
        #expect(try store.integrityCheck() == ["ok"])
    }

    @Test func theSameSnapshotIngestedAgainIsStoredOnce() throws {
        let dir = try Scratch()
        let store = try storeWithIncident(dir)
        let again = try store.ingest(bytes: try IncidentSample.bytes(), name: "capture.txt", request: IngestRequest(source: "n1"))
        #expect(again.stored.isEmpty)
        #expect(again.alreadyStored.count == 8)
        #expect(try store.snapshots(source: "n1").count == 8)
    }

    @Test func abbreviatedCountersReadBackAsTheSameIntervals() throws {
        // The incident's listing, its counters abbreviated as `iptables -L -v` prints big ones.
        let dir = try Scratch()
        let text = try IncidentSample.snapshots().joined()
        var n = 0
        let abbreviated = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            // The packets column of a rule line: scale it up past 99,999 and print it as K.
            guard line.hasPrefix(" "), let first = line.split(separator: " ").first, let v = Int(first) else { return String(line) }
            n += 1
            let printed = "\(v * 3 + 100)K"
            let whole = String(line)
            return whole.replacingOccurrences(of: " \(first) ", with: " \(printed) ", options: [], range: whole.range(of: " \(first) "))
        }.joined(separator: "\n")
        #expect(n > 100)
        let store = try RuleStore(path: dir.path("rw.db"))
        _ = try store.ingest(bytes: Array(abbreviated.utf8), name: "k.txt", request: IngestRequest(source: "k"))
        let direct = try parsed(Array(abbreviated.utf8))
        let rebuilt = try store.history(source: "k")
        #expect(Analyzer().analyze(rebuilt).json() == Analyzer().analyze(direct).json())
        var seen: [Counter] = []
        for s in 0..<direct.snapshots.count { direct.forEachSample(inSnapshot: s) { _, p, _ in if let p { seen.append(p) } } }
        var back: [Counter] = []
        for s in 0..<rebuilt.snapshots.count { rebuilt.forEachSample(inSnapshot: s) { _, p, _ in if let p { back.append(p) } } }
        #expect(seen.contains { !$0.isExact })
        #expect(Set(seen) == Set(back))
    }

    @Test func totalsNeverGoDownAndCountResets() throws {
        let dir = try Scratch()
        let store = try storeWithIncident(dir)
        let totals = try store.ruleTotals(source: "n1")
        let history = try store.history(source: "n1")
        // Totals by hand: the printed counters' rises, and the new value after a fall.
        for (i, t) in totals.enumerated() {
            var last: Counter?
            var sum: UInt64 = 0
            var resets = 0
            for s in 0..<history.snapshots.count {
                history.forEachSample(inSnapshot: s) { r, p, b in
                    guard r == i, let p else { return }
                    if let l = last {
                        if p.upper < l.lower { resets += 1; sum += p.printed } else { sum += p.printed >= l.printed ? p.printed - l.printed : 0 }
                    } else {
                        sum += p.printed
                    }
                    last = p
                    _ = b
                }
            }
            #expect(t.totalPackets == sum, "\(t.ruleID) \(t.text)")
            #expect(t.resets == resets, "\(t.ruleID) \(t.text)")
        }
        #expect(totals.contains { $0.resets > 0 }, "the incident sample has a rule reset")
        #expect(try store.chainTotals(source: "n1").contains { $0.resets > 0 })
    }

    @Test func pruneKeepsTotalsAndTheDeltasAfterTheCut() throws {
        let dir = try Scratch()
        let store = try storeWithIncident(dir)
        let times = try store.snapshots(source: "n1").map(\.time)
        let cut = times[4]
        let totalsBefore = try store.ruleTotals(source: "n1")
        let laterBefore = Analyzer().analyze(try store.history(source: "n1", since: cut)).json()
        let historyBefore = try store.ruleHistory(source: "n1", since: cut) { $0.table == "nat" }
        let outcome = try store.prune(olderThan: cut)
        #expect(outcome.dropped == ["n1": 4])
        #expect(try store.snapshots(source: "n1").map(\.time) == Array(times[4...]))
        #expect(try store.ruleTotals(source: "n1") == totalsBefore)
        #expect(Analyzer().analyze(try store.history(source: "n1")).json() == laterBefore)
        let historyAfter = try store.ruleHistory(source: "n1") { $0.table == "nat" }
        #expect(historyAfter.map { $0.points.map(\.deltaPackets) } == historyBefore.map { $0.points.map(\.deltaPackets) })
        #expect(historyAfter.map { $0.points.map(\.reset) } == historyBefore.map { $0.points.map(\.reset) })
        // The next snapshot's deltas count from the kept counters, not from zero.
        let more = try IncidentSample.snapshots()[7].replacingOccurrences(of: "2026-11-26T01:25:09Z", with: "2026-11-26T01:25:12Z")
        _ = try store.ingest(bytes: Array(more.utf8), name: "more.txt", request: IngestRequest(source: "n1"))
        #expect(try store.ruleTotals(source: "n1").map(\.totalPackets) == totalsBefore.map(\.totalPackets))
        // Pruning everything keeps the newest snapshot.
        _ = try store.prune(olderThan: Int64.max)
        #expect(try store.snapshots(source: "n1").count == 1)
        #expect(try store.history(source: "n1").snapshots.count == 1)
        #expect(try store.integrityCheck() == ["ok"])
    }

    @Test func aStoreFromANewerSchemaIsRefusedAndLeftAlone() throws {
        let dir = try Scratch()
        _ = try storeWithIncident(dir)
        let q = try DatabaseQueue(path: dir.path("rw.db"))
        try q.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9 from the future')") }
        try q.close()
        #expect(throws: StoreError.newerSchema(path: dir.path("rw.db"), unknown: ["v9 from the future"])) {
            try RuleStore(path: dir.path("rw.db"))
        }
        let check = try DatabaseQueue(path: dir.path("rw.db"))
        #expect(try check.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM snapshot") } == 8)
    }

    @Test func anotherApplicationsDatabaseIsNotAStore() throws {
        let dir = try Scratch()
        let q = try DatabaseQueue(path: dir.path("other.db"))
        try q.write { try $0.execute(sql: "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos (name) VALUES ('cat')") }
        try q.close()
        #expect(throws: StoreError.notAStore(path: dir.path("other.db"), detail: "a SQLite database of another application")) {
            try RuleStore(path: dir.path("other.db"))
        }
        let check = try DatabaseQueue(path: dir.path("other.db"))
        #expect(try check.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM photos") } == 1)
        #expect(try check.read { try $0.tableExists("snapshot") } == false)
    }
}
