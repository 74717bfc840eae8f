import Foundation
import RuleWatchStore
import Synchronization
import Testing

/// `ingest` and `report` as cron runs them: one process a snapshot, several at once, killed.
@Suite("Store commands")
struct StoreCommandTests {
    /// An incident capture's snapshots, each as a file of its own with its time and egress:
    /// each interval is a timestamp line (ISO, `date` or @EPOCH), `# egress ok=N total=N`, a dump.
    static func splitCapture(_ capture: URL, into dir: URL) throws -> [(file: URL, time: String, egress: String?)] {
        let text = try String(contentsOf: capture, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var pieces: [(lines: [Substring], time: String, egress: String?)] = []
        for (i, line) in lines.enumerated() {
            if i + 1 < lines.count, lines[i + 1].hasPrefix("# egress ok=") {
                let fields = lines[i + 1].dropFirst(9).split(separator: " ").map { $0.split(separator: "=") }
                let ok = fields.first { $0.first == "ok" }?.last, total = fields.first { $0.first == "total" }?.last
                pieces.append(([line], String(line), ok.flatMap { o in total.map { "\(o)/\($0)" } }))
            } else if !pieces.isEmpty {
                pieces[pieces.count - 1].lines.append(line)
            }
        }
        return try pieces.enumerated().map { i, p in
            let file = dir.appendingPathComponent("snapshot-\(i).txt")
            try p.lines.joined(separator: "\n").appending("\n").write(to: file, atomically: true, encoding: .utf8)
            return (file, p.time, p.egress)
        }
    }

    @Test func reportSaysWhatAnalyzeSaysOfTheIncidentSampleIngestedSnapshotBySnapshot() throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let capture = Tool.repoRoot.appendingPathComponent("Samples/incident/capture.txt")
        let pieces = try Self.splitCapture(capture, into: dir)
        #expect(pieces.count == 8)
        let db = dir.appendingPathComponent("rw.db").path
        for p in pieces {
            var args = ["ingest", "--store", db, "--source", "n1", "--time", p.time]
            if let e = p.egress { args += ["--egress", e] }
            let r = try Tool.run(args + [p.file.path])
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        let analyze = try Tool.run(["analyze", capture.path, "--format", "json"])
        let report = try Tool.run(["report", "--store", db, "--source", "n1", "--format", "json"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(!analyze.stdout.isEmpty)
        #expect(report.stdout == analyze.stdout)
        let text = try Tool.run(["report", "--store", db, "--source", "n1"])
        #expect(text.stdout == (try Tool.run(["analyze", capture.path])).stdout)
    }

    @Test func reportAgreesWithAnalyzeOnARealKernelIncident() throws {
        let run = try IncidentFixture.get().incident
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pieces = try Self.splitCapture(run.capture, into: dir)
        #expect(pieces.count == run.egress.count, "\(pieces.count) snapshots but \(run.egress.count) egress rows; \(run.context)")
        let db = dir.appendingPathComponent("rw.db").path
        for (p, e) in zip(pieces, run.egress) {
            let args = ["ingest", "--store", db, "--source", "node", "--time", p.time, "--egress", "\(e.ok)/\(e.total)", p.file.path]
            let r = try Tool.run(args)
            #expect(r.status == 0, "\(args): \(r.stderr); \(run.context)")
        }
        // The capture's inline `# egress` lines are the CSV's rows: the same analysis, word for word.
        let analyze = try Tool.run(["analyze", "capture.txt", "--format", "json"], in: run.directory)
        let report = try Tool.run(["report", "--store", db, "--source", "node", "--format", "json"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(!analyze.stdout.isEmpty)
        #expect(report.stdout == analyze.stdout, "report differs from analyze; \(run.context)")
        // With the CSV, only where the egress came from differs.
        let withCSV = try Tool.run(["analyze", "capture.txt", "--egress", "egress.csv", "--format", "json"], in: run.directory)
        #expect(report.stdout == withCSV.stdout.replacingOccurrences(of: "\"egress_source\":\"csv\"", with: "\"egress_source\":\"inline\""),
                "report differs from analyze --egress; \(run.context)")
    }

    @Test func ingestingTheSameSnapshotAgainStoresNothingAndSaysSo() throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pieces = try Self.splitCapture(Tool.repoRoot.appendingPathComponent("Samples/incident/capture.txt"), into: dir)
        let db = dir.appendingPathComponent("rw.db").path
        let args = ["ingest", "--store", db, "--source", "n1", "--time", pieces[0].time, pieces[0].file.path]
        let first = try Tool.run(args)
        #expect(first.status == 0 && first.stdout.hasPrefix("stored n1 "), "\(first.stdout)\(first.stderr)")
        let again = try Tool.run(args)
        #expect(again.status == 0)
        #expect(again.stdout.hasPrefix("already stored n1 "), "\(again.stdout)")
        #expect(try RuleStore(path: db).snapshots(source: "n1").count == 1)
    }

    /// Eight cron runs at once, first into a store none of them finds, then into one that exists.
    @Test(arguments: [false, true])
    func eightConcurrentIngestsAllLand(storeExists: Bool) throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pieces = try Self.splitCapture(Tool.repoRoot.appendingPathComponent("Samples/incident/capture.txt"), into: dir)
        let db = dir.appendingPathComponent("new/rw.db").path
        if storeExists { _ = try RuleStore(path: db) }
        let results = Mutex<[ToolRun?]>(Array(repeating: nil, count: 8))
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let p = pieces[i % pieces.count]
            // Different sources, so that every run stores a snapshot whatever the order.
            let r = try? Tool.run(["ingest", "--store", db, "--source", "node-\(i)", "--time", p.time, p.file.path])
            results.withLock { $0[i] = r }
        }
        for (i, r) in results.withLock({ $0 }).enumerated() {
            #expect(r?.status == 0, "run \(i): \(r?.stderr ?? "did not run")")
            let stderr = r?.stderr ?? ""
            #expect(!stderr.contains("locked"), "run \(i): \(stderr)")
        }
        let store = try RuleStore(path: db)
        #expect(try store.sources().count == 8)
        for i in 0..<8 { #expect(try store.snapshots(source: "node-\(i)").count == 1) }
        #expect(try store.integrityCheck() == ["ok"])
    }

    @Test func eightConcurrentIngestsOfOneSourceAllLand() throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pieces = try Self.splitCapture(Tool.repoRoot.appendingPathComponent("Samples/incident/capture.txt"), into: dir)
        let db = dir.appendingPathComponent("rw.db").path
        let results = Mutex<[ToolRun?]>(Array(repeating: nil, count: 8))
        // One source, eight minutes at once: they land in any order.
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let p = pieces[i]
            let r = try? Tool.run(["ingest", "--store", db, "--source", "n", "--time", p.time, p.file.path])
            results.withLock { $0[i] = r }
        }
        for r in results.withLock({ $0 }) {
            #expect(r?.status == 0, "\(r?.stderr ?? "did not run")")
            #expect(r?.stdout.hasPrefix("stored") == true, "\(r?.stdout ?? "")\(r?.stderr ?? "")")
        }
        // Whatever order they landed in, all eight are there, in time order, as analyze sees them.
        let store = try RuleStore(path: db)
        #expect(try store.snapshots(source: "n").count == 8)
        let report = try Tool.run(["report", "--store", db, "--source", "n", "--format", "json"])
        let analyze = try Tool.run(["analyze", Tool.repoRoot.appendingPathComponent("Samples/incident/capture.txt").path, "--format", "json"])
        #expect(report.stdout == analyze.stdout)
    }

    @Test func killedIngestsOfABigSnapshotLeaveASoundStore() throws {
        let big = try KubeNodeSnapshot.get()
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("rw.db").path
        var succeeded: [String] = []
        var minute = 0
        func time() -> String {
            minute += 1
            return String(format: "2026-11-24T%02d:%02d:00Z", 10 + minute / 60, minute % 60)
        }
        // A first snapshot, so that the killed runs add changes to a store that has rules.
        let t0 = time()
        let first = try Tool.run(["ingest", "--store", db, "--source", "kube", "--time", t0, big.path])
        #expect(first.status == 0, "\(first.stderr)")
        succeeded.append(t0)
        var generator = SystemRandomNumberGenerator()
        for round in 0..<5 {
            let t = time()
            let process = Process()
            process.executableURL = Tool.executable
            process.arguments = ["ingest", "-q", "--store", db, "--source", "kube", "--time", t, big.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let wait = UInt32.random(in: 50_000...1_500_000, using: &generator)
            usleep(wait)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .exit && process.terminationStatus == 0 { succeeded.append(t) }
            let store = try RuleStore(path: db)
            #expect(try store.integrityCheck() == ["ok"], "round \(round), killed after \(wait) µs")
            let stored = Set(try store.snapshots(source: "kube").map(\.time))
            for s in succeeded {
                let r = try Tool.run(["report", "--store", db, "--source", "kube", "--since", s, "--until", s, "--format", "json"])
                #expect(r.status == 0 && r.stdout.contains("\"snapshots\":1"), "round \(round): \(s) reported stored but \(r.stdout)\(r.stderr)")
            }
            #expect(stored.count >= succeeded.count)
        }
        // The next run works.
        let next = try Tool.run(["ingest", "--store", db, "--source", "kube", "--time", time(), big.path])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stdout.contains("33"), "\(next.stdout)")
    }

    @Test func aFileThatIsNotAStoreIsRefusedAndLeftAlone() throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("notes.db")
        try Data("these are my notes, not a database\n".utf8).write(to: path)
        let r = try Tool.run(["ingest", "--store", path.path, Tool.repoRoot.appendingPathComponent("Samples/incident/capture.txt").path])
        #expect(r.status == 65)
        #expect(r.stderr.hasPrefix("error: \(path.path): not a rulewatch store"), "\(r.stderr)")
        #expect(try String(contentsOf: path, encoding: .utf8) == "these are my notes, not a database\n")
    }

    @Test func aReadOnlyPlaceIsAClearError() throws {
        // /proc takes no new files, for root too.
        let r = try Tool.run(["ingest", "--store", "/proc/rulewatch-test/rw.db", Tool.repoRoot.appendingPathComponent("Samples/incident/capture.txt").path])
        #expect(r.status == 74)
        #expect(r.stderr.hasPrefix("error: /proc/rulewatch-test/rw.db: cannot write the store"), "\(r.stderr)")
    }

    @Test func reportOnAMissingStoreSaysSoAndMakesNone() throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("none.db").path
        let r = try Tool.run(["report", "--store", db])
        #expect(r.status == 66)
        #expect(r.stderr.hasPrefix("error: \(db): no store there yet"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    @Test func aFullDiskIsAClearErrorAndLosesNothingStored() throws {
        // A 1.2 MB tmpfs, mounted in a mount namespace of the test's own (gone when it exits):
        // room for a small snapshot, not for the 33,000-rule one.
        let big = try KubeNodeSnapshot.get()
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pieces = try Self.splitCapture(Tool.repoRoot.appendingPathComponent("Samples/incident/capture.txt"), into: dir)
        let full = dir.appendingPathComponent("full")
        try FileManager.default.createDirectory(at: full, withIntermediateDirectories: true)
        let db = full.appendingPathComponent("rw.db").path
        let tool = Tool.executable.path
        let script = """
            mount -t tmpfs -o size=1200k tmpfs '\(full.path)' || exit 99
            '\(tool)' ingest --store '\(db)' --source n --time '\(pieces[0].time)' '\(pieces[0].file.path)'; echo "status $?"
            '\(tool)' ingest --store '\(db)' --source n --time 2026-11-26T02:00:00Z '\(big.path)'; echo "status $?"
            '\(tool)' report --store '\(db)' --source n --format json; echo "status $?"
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["-m", "sh", "-c", script]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stdout)\(stderr)")
        let statuses = stdout.split(separator: "\n").filter { $0.hasPrefix("status ") }
        #expect(statuses == ["status 0", "status 74", "status 0"], "\(stdout)\(stderr)")
        #expect(stderr.contains("error: \(db): disk full; this snapshot was not stored"), "\(stderr)")
        #expect(stdout.contains("\"snapshots\":1,"), "\(stdout)")
    }

    @Test func historyDiffAndPruneOnTheIncidentSample() throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("rw.db").path
        let capture = Tool.repoRoot.appendingPathComponent("Samples/incident/capture.txt").path
        #expect(try Tool.run(["ingest", "-q", "--store", db, "--source", "n1", capture]).status == 0)

        let history = try Tool.run(["history", "--store", db, "--source", "n1", "3766028a6fda"])
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.stdout.contains("2026-11-26T01:25:00Z              5            300           +5         +300  appeared"), "\(history.stdout)")
        #expect(history.stdout.contains("total 20 packets, 1200 bytes; 0 resets"), "\(history.stdout)")

        let diff = try Tool.run(["diff", "--store", db, "--source", "n1", "--from", "2026-11-26T01:24:57Z", "--to", "2026-11-26T01:25:00Z",
                                 "--format", "json"])
        #expect(diff.status == 0, "\(diff.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as? [String: Any]
        let added = (json?["added"] as? [[String: Any]])?.compactMap { $0["rule_id"] as? String }
        #expect(Set(added ?? []) == ["3766028a6fda", "cb192f2b1fdc"], "\(diff.stdout)")
        #expect((json?["removed"] as? [Any])?.isEmpty == true)

        let wrong = try Tool.run(["report", "--store", db, "--source", "elsewhere"])
        #expect(wrong.status == 66)
        #expect(wrong.stderr.contains("no snapshots of source 'elsewhere' (it holds n1; give --source)"), "\(wrong.stderr)")

        // The sample is from 2026-11-26, days before any run of this test: all but the newest go.
        let prune = try Tool.run(["prune", "--store", db, "--keep", "1d"])
        #expect(prune.status == 0, "\(prune.stderr)")
        #expect(prune.stdout.hasPrefix("n1: dropped 7 snapshots older than "), "\(prune.stdout)")
        let report = try Tool.run(["report", "--store", db, "--source", "n1", "--format", "json"])
        #expect(report.stdout.contains("\"snapshots\":1,"), "\(report.stdout)")
    }
}
