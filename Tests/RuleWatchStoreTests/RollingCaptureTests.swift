import Foundation
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
        let request = IngestRequest(source: "n", quietSeconds: 0.5)
        try append(snaps[0..<2], to: path, settled: false)
        // The cron line is still writing: more lands while ingest waits for quiet.
        let more = snaps[2]
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.15) { try? append([more], to: path, settled: false) }
        let first = try store.ingest(files: [path], request: IngestRequest(source: "n", quietSeconds: 0.5, now: IngestRequest.clock()))
        #expect(first.stored.count == 1)
        #expect(first.leftForLater == 1)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: path)
        let second = try store.ingest(files: [path], request: request)
        #expect(second.stored.count == 2)
        #expect(second.alreadyStored.isEmpty)
        #expect(try store.snapshots(source: "n").count == 3)
    }
}
