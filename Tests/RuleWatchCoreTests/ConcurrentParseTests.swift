import Foundation
import Testing
@testable import RuleWatchCore

/// Feeding the sink on a second thread changes nothing it sees.
@Suite struct ConcurrentParseTests {
    static let captures: [String] = Corpus.expectations.map(\.file) + ["Samples/incident/capture.txt"]

    func bytes(_ name: String) throws -> [UInt8] {
        name.hasPrefix("Samples/")
            ? Array(try Data(contentsOf: Corpus.repoRoot.appendingPathComponent(name)))
            : try Corpus.bytes(name)
    }

    @Test(arguments: captures)
    func concurrentParseGivesTheSameAnalysis(_ name: String) throws {
        let input = try bytes(name)
        var serial = CaptureHistory()
        var concurrent = CaptureHistory()
        try CaptureParser().parse(bytes: input, name: name, into: &serial)
        try CaptureParser().parseConcurrently(bytes: input, name: name, into: &concurrent)
        #expect(Analyzer().analyze(concurrent).json() == Analyzer().analyze(serial).json())
        var lines = CollectingSink()
        var linesConcurrent = CollectingSink()
        try CaptureParser().parse(bytes: input, name: name, into: &lines)
        try CaptureParser().parseConcurrently(bytes: input, name: name, into: &linesConcurrent)
        #expect(lines.snapshots.map(\.rules) == linesConcurrent.snapshots.map(\.rules))
        #expect(lines.snapshots.map(\.partial) == linesConcurrent.snapshots.map(\.partial))
    }

    /// A capture of many small snapshots: tables are recycled many times over.
    @Test func manySnapshotsRecycleTables() throws {
        var capture = ""
        for i in 0..<200 {
            capture += "@\(1_795_514_400 + 60 * i)\n*nat\n:PREROUTING ACCEPT [0:0]\n"
            for r in 0..<(i % 7 + 1) { capture += "[\(i * r):\(i * r * 60)] -A PREROUTING -p tcp --dport \(r + 1) -j ACCEPT\n" }
            capture += "COMMIT\n*filter\n:INPUT ACCEPT [0:0]\n[\(i):\(i)] -A INPUT -j ACCEPT\nCOMMIT\n"
        }
        let input = Array(capture.utf8)
        var serial = CollectingSink()
        var concurrent = CollectingSink()
        try CaptureParser().parse(bytes: input, name: "many", into: &serial)
        try CaptureParser().parseConcurrently(bytes: input, name: "many", into: &concurrent)
        #expect(concurrent.snapshots.count == 200)
        #expect(serial.snapshots.map(\.rules) == concurrent.snapshots.map(\.rules))
        #expect(serial.snapshots.map(\.tables) == concurrent.snapshots.map(\.tables))
    }

    /// A history that takes each table's rule bytes to compare the next snapshot with (and
    /// gives the table back another buffer) finds the same identities and keeps the same
    /// samples as one lent the tables, which copies the bytes: over many snapshots of two
    /// tables of different sizes, with rules inserted above others and a rule's port changing
    /// in place (same length, same offsets: only the bytes tell it apart).
    @Test func takenTablesGiveTheSameHistoryAsLentOnes() throws {
        /// Only `table(_:)`: the parser lends it each table (the protocol's default `take`).
        struct Lent: DumpSink {
            var history = CaptureHistory()
            var wantsRules: Bool { true }
            mutating func beginSnapshot(_ header: SnapshotHeader) { history.beginSnapshot(header) }
            mutating func endSnapshot(_ header: SnapshotHeader, partial: Bool) {
                history.endSnapshot(header, partial: partial)
            }
            mutating func table(_ table: ParsedTable) { history.table(table) }
        }
        var capture = ""
        for i in 0..<60 {
            capture += "@\(1_795_514_400 + 60 * i)\n*nat\n:PREROUTING ACCEPT [\(i):\(i * 60)]\n:KUBE-SERVICES - [0:0]\n"
            // A rule inserted at the top every ten snapshots pushes the others down.
            for k in stride(from: i / 10, through: 0, by: -1) {
                capture += "[\(i * k):\(i * k * 60)] -A PREROUTING -s 10.0.\(k).0/24 -j KUBE-SERVICES\n"
            }
            for r in 0..<40 {
                // Rule 7's port changes every fifth snapshot: a new identity each time.
                let port = r == 7 ? 8000 + i / 5 : 1000 + r
                capture += "[\(i * r):\(i * r * 100)] -A KUBE-SERVICES -d 10.96.0.\(r)/32 -p tcp --dport \(port) -j DNAT --to-destination 10.244.1.\(r):80\n"
            }
            capture += "COMMIT\n*filter\n:INPUT ACCEPT [0:0]\n[\(i):\(i)] -A INPUT -j ACCEPT\n"
            if i % 3 == 0 { capture += "[\(2 * i):\(2 * i)] -A INPUT -p udp --dport 53 -j ACCEPT\n" }
            capture += "COMMIT\n"
        }
        let input = Array(capture.utf8)
        var lent = Lent()
        var taken = CaptureHistory()
        var concurrent = CaptureHistory()
        try CaptureParser().parse(bytes: input, name: "recycled", into: &lent)
        try CaptureParser().parse(bytes: input, name: "recycled", into: &taken)
        try CaptureParser().parseConcurrently(bytes: input, name: "recycled", into: &concurrent)
        let serial = lent.history
        // 40 DNATs, rule 7 under 11 more ports, 6 PREROUTING rules, 2 INPUT rules, 2 policies.
        #expect(serial.rules.count == 61)
        #expect(concurrent.snapshots.count == 60)
        #expect(taken.rules.map(\.id) == serial.rules.map(\.id))
        #expect(concurrent.rules.map(\.id) == serial.rules.map(\.id))
        #expect(concurrent.rules.map(\.text) == serial.rules.map(\.text))
        func samples(_ h: CaptureHistory) -> [String] {
            var out: [String] = []
            h.forEachShownSample(in: 0..<h.snapshots.count) { s, r, p, b in
                out.append("\(s) \(r) \(p.map { String($0.printed) } ?? "-") \(b.map { String($0.printed) } ?? "-")")
            }
            return out
        }
        let kept = samples(serial)
        #expect(kept.count > 60 * 40)
        #expect(samples(concurrent) == kept)
        #expect(samples(taken) == kept)
        #expect(Analyzer().analyze(concurrent).json() == Analyzer().analyze(serial).json())
    }

    /// A sink that fails stops the parse, and its error is the one thrown.
    @Test func sinkErrorStopsTheParse() throws {
        struct Stop: Error {}
        struct FailingSink: DumpSink {
            var wantsRules: Bool { true }
            var tables = 0
            mutating func beginSnapshot(_ header: SnapshotHeader) {}
            mutating func endSnapshot(_ header: SnapshotHeader, partial: Bool) {}
            mutating func table(_ table: ParsedTable) throws {
                tables += 1
                if tables == 3 { throw Stop() }
            }
        }
        var capture = ""
        for i in 0..<50 { capture += "@\(1_795_514_400 + i)\n*nat\n:PREROUTING ACCEPT [0:0]\n[1:60] -A PREROUTING -j ACCEPT\nCOMMIT\n" }
        var sink = FailingSink()
        #expect(throws: Stop.self) {
            try CaptureParser().parseConcurrently(bytes: Array(capture.utf8), name: "x", into: &sink)
        }
        #expect(sink.tables == 3)
    }
}
