import Foundation
import Synchronization
import RuleWatchCore
import RuleWatchStore
import Testing

/// A cron line appends a dump a minute to one file; `ingest` runs on it every minute.
@Suite struct RollingCaptureTests {
    func append(_ texts: some Sequence<String>, to path: String, settled: Bool = true) throws {
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.seekToEnd()
        for t in texts { try h.write(contentsOf: Data(t.utf8)) }
        try h.close()
        // Left alone for a minute already: its last snapshot is whole.
        if settled { try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: path) }
    }

    @Test func eachSnapshotIsReadOnceThroughLogrotateRenameAndCopytruncate() throws {
        let dir = try Scratch()
        let snaps = try IncidentSample.snapshots()
        #expect(snaps.count == 8)
        let path = dir.path("capture.txt")
        let store = try RuleStore(path: dir.path("rw.db"))
        let request = IngestRequest(source: "n", quietSeconds: 0.2)
        func ingest() throws -> IngestOutcome { try store.ingest(files: [path], request: request) }

        try append(snaps[0..<2], to: path)
        #expect(try ingest().stored.count == 2)
        #expect(try ingest().nothingNew == [path])
        try append([snaps[2]], to: path)
        #expect(try ingest().stored.count == 1)

        // logrotate's rename: the writer's last append lands in the old file, then a new one.
        try append([snaps[3]], to: path)
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try append([snaps[4]], to: path)
        let renamed = try ingest()
        #expect(renamed.stored.count == 2)
        #expect(renamed.alreadyStored.isEmpty)

        // copytruncate: the file is copied beside itself and emptied in place.
        try append([snaps[5]], to: path)
        try FileManager.default.copyItem(atPath: path, toPath: path + "-20261126")
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.truncate(atOffset: 0)
        try h.close()
        try append(snaps[6..<8], to: path)
        let truncated = try ingest()
        #expect(truncated.stored.count == 3)
        #expect(truncated.alreadyStored.isEmpty)

        // Every snapshot once, in order, and the analysis is the capture's.
        var direct = CaptureHistory()
        try IncidentSample.bytes().withUnsafeBytes { try CaptureParser().parse(bytes: $0, name: "capture.txt", into: &direct) }
        #expect(try store.snapshots(source: "n").map(\.time) == direct.snapshots.map { $0.time! })
        #expect(Analyzer().analyze(try store.history(source: "n")).json() == Analyzer().analyze(direct).json())
    }

    @Test func aSnapshotStillBeingWrittenIsLeftForTheNextRun() throws {
        let dir = try Scratch()
        let snaps = try IncidentSample.snapshots()
        let path = dir.path("capture.txt")
        let store = try RuleStore(path: dir.path("rw.db"))
        // Two whole snapshots and the first half of a third, which the cron line is still
        // writing: it touches the file until this ingest returns, then writes the rest.
        let third = Array(snaps[2].utf8)
        let half = third.count / 2
        try append(snaps[0..<2], to: path, settled: false)
        try append([String(decoding: third[..<half], as: UTF8.self)], to: path, settled: false)
        let done = Mutex(false)
        let writer = Thread {
            while !done.withLock({ $0 }) {
                try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: path)
                usleep(20_000)
            }
        }
        writer.start()
        let first = try store.ingest(files: [path], request: IngestRequest(source: "n", quietSeconds: 0.3))
        done.withLock { $0 = true }
        #expect(first.stored.count == 2)
        #expect(first.leftForLater == 1)
        usleep(50_000)
        try append([String(decoding: third[half...], as: UTF8.self)], to: path)
        let second = try store.ingest(files: [path], request: IngestRequest(source: "n", quietSeconds: 0.3))
        #expect(second.stored.count == 1)
        #expect(second.alreadyStored.isEmpty)
        var direct = CaptureHistory()
        let whole = Array(snaps[0..<3].joined().utf8)
        try whole.withUnsafeBytes { try CaptureParser().parse(bytes: $0, name: "capture.txt", into: &direct) }
        #expect(Analyzer().analyze(try store.history(source: "n")).json() == Analyzer().analyze(direct).json())
    }
}
