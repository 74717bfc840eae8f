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
