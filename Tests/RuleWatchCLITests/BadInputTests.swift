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

    @Test func emptyFileIsAWarningAndNoSnapshot() throws {
        try withFile("empty.txt", Data()) { url in
            let run = try Tool.run(["parse", "--summary", url.path])
            #expect(run.status == 0)
            #expect(run.stdout == "snapshots=0 chains=0 rules=0 counted=0 pkts=0 bytes=0 objects=0\n")
            #expect(run.stderr.hasPrefix("warning: \(url.path): empty file"))
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
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gz = dir.appendingPathComponent("capture.txt.gz")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -c '\(file.path)' > '\(gz.path)'"]
        try gzip.run()
        gzip.waitUntilExit()
        let viaGzip = try Tool.run(["parse", "--summary", gz.path])
        #expect(viaGzip.stdout == plain.stdout)
        let viaStdin = try Tool.run(["parse", "--summary", "-"], stdin: try Data(contentsOf: file))
        #expect(viaStdin.stdout == plain.stdout)
    }

    @Test func usageErrorsExit64() throws {
        let run = try Tool.run(["parse", "--format", "yaml"])
        #expect(run.status == 64)
    }
}
