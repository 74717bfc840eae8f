import Foundation
import Testing

/// README's cron recipe: its line creates the directory it appends to, records an egress
/// signal, and on a real kernel the capture it writes gives the critical finding README
/// promises once a rule starts eating the probes.
@Suite struct CronRecipeTests {
    static let script = Tool.repoRoot.appendingPathComponent("Samples/cron/rulewatch-snapshot")

    /// The crontab line README pipes into /etc/cron.d, and README's code around it.
    static func recipe() throws -> (line: String, block: String) {
        let readme = try String(contentsOf: Tool.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n").filter { $0.contains("* * * * * root ") && $0.contains("/etc/cron.d/rulewatch") }
        #expect(lines.count == 1, "README should install one cron recipe")
        let line = try #require(lines.first)
        let match = try #require(line.firstMatch(of: /'(\* \* \* \* \* root [^']+)'/), "cron line not quoted: \(line)")
        #expect(line.hasSuffix("| sudo tee /etc/cron.d/rulewatch"))
        let start = try #require(readme.range(of: String(line)))
        let blockStart = readme[..<start.lowerBound].range(of: "```\n", options: .backwards)!.upperBound
        let blockEnd = readme[start.upperBound...].range(of: "```")!.lowerBound
        return (String(match.1), String(readme[blockStart..<blockEnd]))
    }

    @Test func cronLineCreatesItsDirectoryAndRecordsEgress() throws {
        let (line, block) = try Self.recipe()
        let command = String(line.dropFirst("* * * * * root ".count))
        let target = try #require(command.firstMatch(of: />> (\/\S+)$/), "the line appends to a file: \(command)")
        let directory = URL(fileURLWithPath: String(target.1)).deletingLastPathComponent().path
        #expect(command.hasPrefix("mkdir -p \(directory) && "), "\(command)")
        // cron turns an unescaped % into a newline.
        #expect(!command.contains("%"))
        // The program it runs is the repository's script, installed where the line looks.
        #expect(command.contains("/usr/local/sbin/rulewatch-snapshot "))
        #expect(block.contains("install -m 755 Samples/cron/rulewatch-snapshot /usr/local/sbin/"))
        #expect(FileManager.default.isExecutableFile(atPath: Self.script.path))
        let probes = command.matches(of: /\s(\S+:\d+)/).map { String($0.1) }
        #expect(probes.count >= 3, "egress-min-attempts is 3: probe at least three places")
        #expect(block.contains("rulewatch analyze \(target.1) --fail-on critical"))
    }

    /// Runs README's cron line (its paths and probes moved into a network namespace of the
    /// test's own) eight times; before the fifth, a REDIRECT starts eating the probes.
    @Test func cronRecipeCatchesARuleEatingEgressOnARealKernel() throws {
        #expect(geteuid() == 0, "needs root: it builds a network namespace")
        let (line, _) = try Self.recipe()
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let logDir = dir.appendingPathComponent("log/rulewatch").path
        var command = String(line.dropFirst("* * * * * root ".count))
            .replacingOccurrences(of: "/var/log/rulewatch", with: logDir)
            .replacingOccurrences(of: "/usr/local/sbin/rulewatch-snapshot", with: Self.script.path)
        command.replace(/(\s\S+:\d+)+/, with: " 127.0.0.1:443 127.0.0.2:443 127.0.0.3:443 127.0.0.4:443")
        let harness = """
        set -eu
        ns=rwi13-cron-$$-$RANDOM
        listener=""
        # KILL: a process the test runner starts may inherit a mask that blocks TERM.
        cleanup() { [ -n "$listener" ] && kill -KILL "$listener" 2>/dev/null; wait 2>/dev/null; ip netns del "$ns" 2>/dev/null || true; }
        trap cleanup EXIT
        ip netns add "$ns"
        ip -n "$ns" link set lo up
        ip netns exec "$ns" iptables -t nat -A POSTROUTING -o lo -j RETURN
        ip netns exec "$ns" iptables -A OUTPUT -p tcp --dport 443 -j ACCEPT
        ip netns exec "$ns" python3 -c 'import socket, time
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", 443)); s.listen(128)
        while True: s.accept()[0].close()' &
        listener=$!
        for _ in $(seq 50); do ip netns exec "$ns" bash -c 'exec 3<>/dev/tcp/127.0.0.1/443' 2>/dev/null && break; sleep 0.1; done
        for i in 1 2 3 4 5 6 7 8; do
            if [ "$i" = 5 ]; then
                ip netns exec "$ns" iptables -t nat -A OUTPUT -p tcp --dport 443 -j REDIRECT --to-ports 47443
            fi
            ip netns exec "$ns" sh -c "$1"
            sleep 1
        done
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", harness, "harness", command]
        let err = Pipe()
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr)")

        let capture = logDir + "/capture.txt"
        let text = try String(contentsOfFile: capture, encoding: .utf8)
        let egress = text.split(separator: "\n").filter { $0.hasPrefix("# egress") }
        #expect(egress == Array(repeating: "# egress ok=4 total=4", count: 4) + Array(repeating: "# egress ok=0 total=4", count: 4))
        let run = try Tool.run(["analyze", "--fail-on", "critical", capture])
        #expect(run.status == 1, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("egress success from the capture's `# egress` lines"))
        let firstFinding = run.stdout.components(separatedBy: "\n\n").dropFirst().first ?? ""
        #expect(firstFinding.hasPrefix("CRITICAL  nat/OUTPUT REDIRECT"), "\(run.stdout)")
        #expect(firstFinding.contains("climb-with-egress-drop"), "\(run.stdout)")
    }
}
