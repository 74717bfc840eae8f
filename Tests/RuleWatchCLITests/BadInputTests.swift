import Foundation
import Testing

/// What the tool says and how it exits on each kind of bad input.
@Suite struct BadInputTests {
    let redirect = """
    Chain PREROUTING (policy ACCEPT 233 packets, 75208 bytes)
     pkts bytes target     prot opt in     out     source               destination
      234 14040 REDIRECT   tcp  --  any    any     anywhere             anywhere             tcp dpt:https redir ports 47443

    """

    func withFile(_ name: String, _ bytes: Data, _ body: (URL) throws -> Void) throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent(name)
        try bytes.write(to: url)
        try body(url)
    }

    @Test func missingFileExits66() throws {
        let run = try Tool.run(["parse", "--summary", "/nonexistent/capture.txt"])
        #expect(run.status == 66)
        #expect(run.stderr == "error: /nonexistent/capture.txt: No such file or directory\n")
    }

    @Test func fileThatIsNoDumpExits65() throws {
        try withFile("notes.txt", Data("Dear diary,\ntoday the node was fine.\n".utf8)) { url in
            let run = try Tool.run(["parse", "--summary", url.path])
            #expect(run.status == 65)
            #expect(run.stderr == "error: \(url.path): not an iptables or nftables dump\n")
        }
    }

    /// No snapshot at all is bad data: a cron job checking `--fail-on` must not pass on an
    /// empty or broken capture.
    @Test func aCaptureWithNoSnapshotExits65() throws {
        let capture = try Data(contentsOf: Tool.repoRoot.appendingPathComponent("Samples/incident/capture.txt"))
        let gzipped = try gzip(capture)
        #expect(gzipped.count > 20)
        let cases: [(String, Data, String)] = [
            ("empty.txt", Data(), "empty file, no snapshot"),
            ("cut.txt.gz", gzipped.prefix(5), "empty file, no snapshot"),
        ]
        for (name, bytes, message) in cases {
            try withFile(name, bytes) { url in
                for args in [["parse", "--summary"], ["parse"], ["parse", "--format", "jsonl"],
                             ["analyze"], ["analyze", "--fail-on", "critical"], ["analyze", "--format", "json"]] {
                    let run = try Tool.run(args + [url.path])
                    #expect(run.status == 65, "\(name) \(args)")
                    #expect(run.stdout == "", "\(name) \(args)")
                    #expect(run.stderr.hasSuffix("error: \(url.path): \(message)\n"), "\(name) \(args): \(run.stderr)")
                }
            }
        }
        let devNull = try Tool.run(["analyze", "--fail-on", "critical", "/dev/null"])
        #expect(devNull.status == 65)
        #expect(devNull.stderr == "error: /dev/null: empty file, no snapshot\n")
        let stdin = try Tool.run(["parse", "--summary", "-"], stdin: Data())
        #expect(stdin.status == 65)
        #expect(stdin.stderr == "error: <stdin>: empty file, no snapshot\n")
    }

    @Test func anEmptyFileBesideADumpIsAWarning() throws {
        let sample = Tool.repoRoot.appendingPathComponent("Samples/incident/capture.txt")
        try withFile("empty.txt", Data()) { url in
            let run = try Tool.run(["parse", "--summary", url.path, sample.path])
            #expect(run.status == 0)
            #expect(run.stdout.hasPrefix("snapshots=8 "))
            #expect(run.stderr == "warning: \(url.path): empty file, no snapshot\n")
            let both = try Tool.run(["parse", "--summary", url.path, "/dev/null"])
            #expect(both.status == 65)
            #expect(both.stderr.hasSuffix("error: \(url.path), /dev/null: no snapshot in the capture\n"), "\(both.stderr)")
        }
    }

    @Test func unreadableLineInsideADumpIsAWarningWithItsLine() throws {
        let text = redirect.replacingOccurrences(of: "  234 14040", with: "  234 14040\u{1}garbage\n  zz yy") 
        try withFile("junk.txt", Data(text.utf8)) { url in
            let run = try Tool.run(["parse", "--summary", url.path])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("warning: \(url.path):4: "), "\(run.stderr)")
            let strict = try Tool.run(["parse", "--summary", "--strict", url.path])
            #expect(strict.status == 65)
            #expect(strict.stderr.hasPrefix("error: \(url.path):"), "\(strict.stderr)")
        }
    }

    @Test func truncatedLastSnapshotIsKeptAsPartial() throws {
        let save = "*nat\n:PREROUTING ACCEPT [0:0]\n[5:300] -A PREROUTING -p tcp -j REDIRECT --to-ports 47443\nCOMMIT\n"
        let cut = "*nat\n:PREROUTING ACCEPT [0:0]\n[9:540] -A PREROUTING -p tcp -j REDIR"
        try withFile("cut.txt", Data((save + cut).utf8)) { url in
            let run = try Tool.run(["parse", "--format", "jsonl", url.path])
            #expect(run.status == 0)
            #expect(run.stderr.contains("warning: \(url.path):"), "\(run.stderr)")
            let lines = run.stdout.split(separator: "\n")
            #expect(lines.count >= 1)
            #expect(!lines[0].contains("\"partial\""))
            #expect(lines.dropFirst().allSatisfy { $0.contains("\"partial\":true") })
        }
    }

    @Test func hostileBytesNeverCrashOrHang() throws {
        var rng = SystemRandomNumberGenerator()
        var random = Data((0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) })
        var megaLine = Data(redirect.utf8)
        megaLine.append(Data(repeating: UInt8(ascii: "x"), count: 3 << 20))
        megaLine.append(Data("\n".utf8))
        megaLine.append(Data(redirect.utf8))
        var nul = Data(redirect.utf8)
        nul.insert(0, at: 80)
        let invalidUTF8 = Data(redirect.utf8) + Data([0xff, 0xfe, 0xc3, 0x28, 10]) + Data(redirect.utf8)
        random.append(Data(redirect.utf8))
        for (name, data) in [("random.bin", random), ("mega.txt", megaLine), ("nul.txt", nul), ("utf8.txt", invalidUTF8)] {
            try withFile(name, data) { url in
                for args in [["parse", "--summary"], ["parse", "--format", "jsonl"]] {
                    let run = try Tool.run(args + [url.path])
                    #expect(run.status == 0 || run.status == 65, "\(name) \(args): \(run.status) \(run.stderr.prefix(300))")
                }
            }
        }
    }

    @Test func gzipAndStandardInputReadLikeTheFile() throws {
        let file = Tool.corpus.appendingPathComponent("listing-kube-cni-nat-nvL.txt")
        let plain = try Tool.run(["parse", "--summary", file.path])
        #expect(plain.status == 0)
        #expect(plain.stdout.hasPrefix("snapshots=1 chains=56 "))
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gz = dir.appendingPathComponent("capture.txt.gz")
        let compressed = try gzip(try Data(contentsOf: file))
        try compressed.write(to: gz)
        let viaGzip = try Tool.run(["parse", "--summary", gz.path])
        #expect(viaGzip.stdout == plain.stdout)
        let viaStdin = try Tool.run(["parse", "--summary", "-"], stdin: try Data(contentsOf: file))
        #expect(viaStdin.stdout == plain.stdout)
        // `cat capture.txt.gz | rulewatch parse -`: told by its magic bytes, not its name.
        for args in [["parse", "--summary", "-"], ["parse", "--summary"]] {
            let gzipOnStdin = try Tool.run(args, stdin: compressed)
            #expect(gzipOnStdin.status == 0, "\(args): \(gzipOnStdin.stderr)")
            #expect(gzipOnStdin.stdout == plain.stdout, "\(args)")
            #expect(gzipOnStdin.stderr == "", "\(args)")
        }
        let jsonl = try Tool.run(["parse", "--format", "jsonl", "-"], stdin: compressed)
        let jsonlPlain = try Tool.run(["parse", "--format", "jsonl", file.path])
        #expect(jsonl.stdout == jsonlPlain.stdout)
        #expect(!jsonl.stdout.isEmpty)
        // A one-byte input is read whole, not lost to the look at its first two bytes.
        let tiny = try Tool.run(["parse", "--summary", "-"], stdin: Data("x".utf8))
        #expect(tiny.status == 65)
        #expect(tiny.stderr == "error: <stdin>: not an iptables or nftables dump\n")
    }

    /// Run with no file on a terminal, rulewatch would seem to hang: it says it is reading
    /// standard input, and reads it.
    @Test func noFileOnATerminalSaysItReadsStandardInput() throws {
        let sample = try Data(contentsOf: Tool.repoRoot.appendingPathComponent("Samples/incident/capture.txt"))
        for args in [["parse", "--summary"], ["analyze"], ["parse", "--summary", "-"]] {
            let run = try Tool.runOnTerminal(args, typing: sample)
            #expect(run.stderr.hasPrefix("rulewatch: reading a capture from standard input (end it with Ctrl-D)\n"), "\(args): \(run.stderr)")
            #expect(run.status == 0, "\(args): \(run.stderr)")
            #expect(run.stdout.hasPrefix(args[0] == "parse" ? "snapshots=8 " : "8 snapshots, 59 rules"), "\(args): \(run.stdout)")
        }
        // From a pipe or a file it says nothing.
        let piped = try Tool.run(["parse", "--summary"], stdin: sample)
        #expect(piped.stderr == "")
    }

    func gzip(_ data: Data) throws -> Data {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("in")
        try data.write(to: plain)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -c '\(plain.path)' > '\(plain.path).gz'"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "gzip failed")
        return try Data(contentsOf: URL(fileURLWithPath: plain.path + ".gz"))
    }

    @Test func usageErrorsExit64() throws {
        let run = try Tool.run(["parse", "--format", "yaml"])
        #expect(run.status == 64)
    }
}
