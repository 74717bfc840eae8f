import Foundation
import Testing

/// Progress on standard error: drawn when it is a terminal (here a pseudo-terminal python's
/// `pty` opens), absent when it is a pipe.
@Suite struct ProgressTests {
    /// A capture of about 36 MB (the parser reports progress every 32 MiB), or `size` bytes:
    /// the incident's 8 snapshots again and again.
    static func bigCapture(in dir: URL, size: Int = 36_000_000) throws -> URL {
        let sample = try Data(contentsOf: Tool.repoRoot.appendingPathComponent("Samples/incident/capture.txt"))
        // The sample again and again, its timestamps a minute later each time, so that time
        // runs forward through the whole capture (else every copy warns that it went back).
        let text = String(decoding: sample, as: UTF8.self)
        let stamp = try Regex("(?m)^2026-11-26T01:(\\d\\d):(\\d\\dZ)$")
        var data = Data()
        data.reserveCapacity(size + sample.count)
        var copy = 0
        while data.count < size {
            let shifted = text.replacing(stamp) { m -> String in
                let minute = Int(m.output[1].substring!)! + copy
                let time = 26 * 1440 + 60 + minute
                let (day, rest) = time.quotientAndRemainder(dividingBy: 1440)
                func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
                return "2026-\(day > 30 ? "12" : "11")-\(two(day > 30 ? day - 30 : day))T\(two(rest / 60)):\(two(rest % 60)):\(m.output[2].substring!)"
            }
            data.append(contentsOf: Array(shifted.utf8))
            copy += 1
        }
        let url = dir.appendingPathComponent("big.txt")
        try data.write(to: url)
        return url
    }

    /// Runs the tool with stderr on a pseudo-terminal and stdout discarded; `stdout` of the
    /// result is what the terminal received.
    static func onPseudoTerminal(_ arguments: [String]) throws -> ToolRun {
        let script = """
            import os, pty, subprocess, sys
            m, s = pty.openpty()
            p = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=s)
            os.close(s)
            out = b""
            while True:
                try:
                    chunk = os.read(m, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            sys.stdout.buffer.write(out)
            sys.exit(p.wait())
            """
        return try Tool.run(["-c", script, Tool.executable.path] + arguments, executable: URL(fileURLWithPath: "/usr/bin/python3"))
    }

    @Test func progressShowsBytesRateAndTimeLeftOnATerminal() throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let capture = try Self.bigCapture(in: dir)
        let run = try Self.onPseudoTerminal(["parse", "--summary", capture.path])
        #expect(run.status == 0, "\(run.stderr)")
        let shown = run.stdout
        #expect(shown.contains("reading: 32 of 34 MiB (93%)"), "\(shown.debugDescription)")
        #expect(shown.contains(" MiB/s, ") && shown.contains(" s left"), "\(shown.debugDescription)")
        // The line is wiped before the run ends, so the prompt comes back clean.
        #expect(shown.hasSuffix("\r\u{1B}[K"), "\(shown.debugDescription)")
    }

    @Test func noProgressWhenStandardErrorIsNotATerminal() throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let capture = try Self.bigCapture(in: dir)
        let run = try Tool.run(["parse", "--summary", capture.path])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty, "\(run.stderr.debugDescription)")
        #expect(run.stdout.hasPrefix("snapshots="))
    }

    /// 30 copies of the incident: 240 snapshots, stored one transaction each.
    static let storedSnapshots = 240

    @Test func ingestAndReportShowSnapshotsRateAndTimeLeftOnATerminal() throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let capture = try Self.bigCapture(in: dir, size: 29 * 88_105 + 1)
        let store = dir.appendingPathComponent("rw.db").path
        let n = Self.storedSnapshots
        let ingest = try Self.onPseudoTerminal(["ingest", "--store", store, "--source", "p", capture.path])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let shown = ingest.stdout
        #expect(shown.contains("storing: \(n) of \(n) snapshots (100%), "), "\(shown.debugDescription)")
        // Drawn along the way too, with how fast and how long still.
        let along = shown.components(separatedBy: "\r\u{1B}[K").filter { $0.hasPrefix("storing: ") && !$0.hasPrefix("storing: \(n) ") }
        #expect(along.contains { $0.contains(" of \(n) snapshots (") && $0.contains("/s, ") && $0.hasSuffix(" s left") },
                "\(shown.debugDescription)")
        #expect(shown.hasSuffix("\r\u{1B}[K"), "\(shown.debugDescription)")

        let report = try Self.onPseudoTerminal(["report", "--store", store, "--source", "p"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("reading the store: \(n) of \(n) snapshots (100%)"), "\(report.stdout.debugDescription)")
        #expect(report.stdout.hasSuffix("\r\u{1B}[K"), "\(report.stdout.debugDescription)")
    }

    @Test func ingestAndReportShowNoProgressWhenStandardErrorIsNotATerminal() throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let capture = try Self.bigCapture(in: dir, size: 29 * 88_105 + 1)
        let store = dir.appendingPathComponent("rw.db").path
        let ingest = try Tool.run(["ingest", "--store", store, "--source", "p", capture.path])
        #expect(ingest.status == 0)
        #expect(ingest.stderr.isEmpty, "\(ingest.stderr.debugDescription)")
        #expect(ingest.stdout.contains("stored p "))
        let report = try Tool.run(["report", "--store", store, "--source", "p"])
        #expect(report.status == 0)
        #expect(report.stderr.isEmpty, "\(report.stderr.debugDescription)")
        #expect(report.stdout.contains("\(Self.storedSnapshots) snapshots"), "\(report.stdout)")
    }
}
