import Foundation
import Testing

/// What a new user meets on a first run: one name for one meaning, one snapshot numbering,
/// the egress signal named, help that can be pasted, and README figures that are true.
@Suite struct FirstRunTests {
    static let sample = Tool.repoRoot.appendingPathComponent("Samples/incident")

    func withFile(_ name: String, _ text: String, _ body: (URL) throws -> Void) throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        try body(url)
    }

    /// Eight `iptables -t security -L -v` listings: they show filter's built-in chains, so
    /// only `--listing-table` can say which table they are. An OUTPUT DROP climbs from
    /// snapshot 5 on, when egress falls.
    static let securityListing: String = (0..<8).map { s in
        let drops = s < 4 ? 0 : (s - 3) * 30
        func column(_ n: Int) -> String { String(repeating: " ", count: max(0, 5 - String(n).count)) + String(n) }
        return """
        2026-11-24T10:0\(s):00Z
        # egress ok=\(s < 4 ? 60 : 2) total=60
        Chain INPUT (policy ACCEPT \(1000 + s * 100) packets, \(60000 + s * 6000) bytes)
         pkts bytes target     prot opt in     out     source               destination

        Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)
         pkts bytes target     prot opt in     out     source               destination

        Chain OUTPUT (policy ACCEPT \(2000 + s * 100) packets, \(120000 + s * 6000) bytes)
         pkts bytes target     prot opt in     out     source               destination
        \(column(drops)) \(column(drops * 60)) DROP       tcp  --  any    any     anywhere             anywhere             tcp dpt:https


        """
    }.joined()

    // MARK: - --listing-table and --table

    @Test func listingTableNamesTheListingsTableOnEveryCommand() throws {
        try withFile("security.txt", Self.securityListing) { url in
            let inferred = try Tool.run(["parse", "--format", "jsonl", url.path])
            #expect(inferred.stdout.contains("\"table\":\"filter\"") && !inferred.stdout.contains("\"table\":\"security\""))
            let named = try Tool.run(["parse", "--format", "jsonl", "--listing-table", "security", url.path])
            #expect(named.status == 0)
            #expect(named.stdout.split(separator: "\n").count == 8)
            #expect(named.stdout.split(separator: "\n").allSatisfy { $0.contains("\"table\":\"security\"") })
            let text = try Tool.run(["parse", "--listing-table", "security", url.path])
            #expect(text.stdout.hasPrefix("snapshot 1  2026-11-24T10:00:00Z  security  3 chains  1 rule (1 counted)"), "\(text.stdout)")

            let analyzed = try Tool.run(["analyze", "--listing-table", "security", "--fail-on", "critical", url.path])
            #expect(analyzed.status == 1)
            #expect(analyzed.stdout.contains("security/OUTPUT DROP"))
            #expect(analyzed.stderr == "")
            // --table narrows findings; together they find the DROP.
            let both = try Tool.run(["analyze", "--listing-table", "security", "--table", "security", "--format", "json", url.path])
            #expect(both.status == 0)
            #expect(both.stdout.contains("\"table\":\"security\"") && both.stdout.contains("\"severity\":\"critical\""))
            #expect(both.stderr == "")
        }
    }

    /// `analyze --table security sec.txt` used to print "no findings" and nothing else.
    @Test func tableThatTheCaptureLacksIsAWarning() throws {
        try withFile("security.txt", Self.securityListing) { url in
            let run = try Tool.run(["analyze", "--table", "security", url.path])
            #expect(run.status == 0)
            #expect(run.stdout.hasPrefix("8 snapshots, 1 rule: no findings."))
            #expect(run.stderr == "warning: --table security: no table of the capture is named security (it has filter); --listing-table names the table a listing shows\n")
        }
        let fine = try Tool.run(["analyze", "--table", "nat", Self.sample.appendingPathComponent("capture.txt").path])
        #expect(fine.stderr == "")
        #expect(fine.stdout.contains("2 critical"))
    }

    @Test func helpTellsTheTwoTableFlagsApart() throws {
        let analyze = try Tool.run(["analyze", "--help"], environment: ["COLUMNS": "200"])
        let tableLine = try #require(analyze.stdout.split(separator: "\n").first { $0.contains("--table <table>") })
        #expect(tableLine.contains("Only findings about this table"), "\(tableLine)")
        #expect(analyze.stdout.contains("--listing-table <table>"))
        let parse = try Tool.run(["parse", "--help"], environment: ["COLUMNS": "200"])
        #expect(parse.stdout.contains("--listing-table <table>"))
        #expect(!parse.stdout.contains("--table <table>"))
    }

    // MARK: - The egress signal

    @Test func egressCSVCoveringNoSnapshotIsAWarningAndTheInlineLinesStay() throws {
        let capture = Self.sample.appendingPathComponent("capture.txt").path
        let csv = Self.sample.appendingPathComponent("egress.csv").path
        let withCSV = try Tool.run(["analyze", "--format", "json", capture, "--egress", csv])
        #expect(withCSV.stdout.contains("\"egress_source\":\"csv\""))
        #expect(withCSV.stderr == "")
        let inline = try Tool.run(["analyze", "--format", "json", capture])
        #expect(inline.stdout.contains("\"egress_source\":\"inline\""))
        let inlineText = try Tool.run(["analyze", capture])
        #expect(inlineText.stdout.split(separator: "\n")[1] == "egress success from the capture's `# egress` lines")

        // The same figures a day later: another day's CSV.
        let dayLater = try String(contentsOfFile: csv, encoding: .utf8).replacingOccurrences(of: "2026-11-26T", with: "2026-11-27T")
        try withFile("egress.csv", dayLater) { url in
            let run = try Tool.run(["analyze", capture, "--egress", url.path])
            #expect(run.stderr == "warning: \(url.path): no egress row falls within the capture's snapshots (2026-11-26T01:24:47Z to 2026-11-26T01:25:09Z); using the capture's own `# egress` lines instead\n")
            #expect(run.stdout.hasPrefix("8 snapshots, 59 rules: 2 critical"), "\(run.stdout.prefix(200))")
            #expect(run.stdout.split(separator: "\n")[1] == "egress success from the capture's `# egress` lines")
            let json = try Tool.run(["analyze", "--format", "json", capture, "--egress", url.path])
            #expect(json.stdout.contains("\"egress_source\":\"inline\""))
            let findings = json.stdout.components(separatedBy: "\"entries\":[")[0]
            #expect(findings.components(separatedBy: "\"severity\":\"critical\"").count - 1 == 2)

            // Without inline lines either, it says the counters are all there is.
            let bare = try String(contentsOfFile: capture, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("# egress") }.joined(separator: "\n")
            try withFile("bare.txt", bare) { bareURL in
                let none = try Tool.run(["analyze", "--format", "json", bareURL.path, "--egress", url.path])
                #expect(none.stdout.contains("\"egress_source\":\"none\""))
                #expect(none.stderr.hasSuffix("; the capture has no `# egress` lines either: findings come from the counters alone\n"), "\(none.stderr)")
            }
        }
    }

    // MARK: - One snapshot numbering

    @Test func snapshotsAreNumberedFromOneInTextJSONLinesAndWarnings() throws {
        let capture = Self.sample.appendingPathComponent("capture.txt").path
        let text = try Tool.run(["parse", capture]).stdout.split(separator: "\n").filter { $0.hasPrefix("snapshot ") }
        #expect(text.count == 8)
        var textTimes: [Int: String] = [:]
        for line in text {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            textTimes[Int(f[1])!] = String(f[2])
        }
        #expect(Set(textTimes.keys) == Set(1...8))
        let jsonl = try Tool.run(["parse", "--format", "jsonl", capture]).stdout.split(separator: "\n")
        var jsonTimes: [Int: String] = [:]
        for line in jsonl {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            jsonTimes[object["snapshot"] as! Int] = object["time"] as? String
        }
        #expect(jsonTimes == textTimes)

        // A warning names the snapshot as jsonl does.
        let cut = String(try String(contentsOfFile: capture, encoding: .utf8).prefix(3000))
        try withFile("cut.txt", cut) { url in
            let run = try Tool.run(["parse", "--format", "jsonl", url.path])
            #expect(run.stderr.contains("snapshot 1 is kept as partial"), "\(run.stderr)")
            #expect(run.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("{\"snapshot\":1,") && $0.hasSuffix(",\"partial\":true}") })
        }
    }

    /// Samples/incident/README.md speaks of snapshots by number and time: each pair is the
    /// one `rulewatch parse` prints.
    @Test func sampleReadmeNumbersSnapshotsAsTheToolDoes() throws {
        let readme = try String(contentsOf: Self.sample.appendingPathComponent("README.md"), encoding: .utf8)
            .replacingOccurrences(of: "\n", with: " ")
        let lines = try Tool.run(["parse", Self.sample.appendingPathComponent("capture.txt").path]).stdout
        let pairs = readme.matches(of: /snapshot (\d+) \(`([0-9TZ:-]+)`\)/)
        #expect(!pairs.isEmpty)
        for pair in pairs {
            #expect(lines.contains("snapshot \(pair.1)  \(pair.2)  "), "README: snapshot \(pair.1) at \(pair.2)")
        }
        #expect(readme.contains("the onset at snapshot 5"))
        #expect(lines.contains("snapshot 5  2026-11-26T01:25:00Z  nat,filter  25 chains  56 rules (56 counted)  egress 0/5"), "\(lines)")
    }

    // MARK: - Help

    /// Every example of `analyze --help` runs when pasted into a shell.
    @Test func helpExamplesCanBePasted() throws {
        let help = try Tool.run(["analyze", "--help"]).stdout
        let block = help.components(separatedBy: "Examples:\n")[1].components(separatedBy: "\n\n")[0]
        var commands: [String] = []
        var pending = ""
        for line in block.split(separator: "\n") {
            #expect(line.count <= 80)
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasSuffix("\\") {
                pending += text.dropLast() + " "
            } else {
                commands.append(pending + text)
                pending = ""
            }
        }
        #expect(commands.count == 5)
        #expect(commands.allSatisfy { $0.hasPrefix("rulewatch analyze ") })
        let ignoring = try #require(commands.first { $0.contains("--ignore") })
        let capture = Self.sample.appendingPathComponent("capture.txt").path
        let pasted = ignoring.replacingOccurrences(of: "rulewatch ", with: "'\(Tool.executable.path)' ")
            .replacingOccurrences(of: "capture.txt", with: "'\(capture)'")
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", pasted + " >/dev/null"]
        let err = Pipe()
        shell.standardError = err
        try shell.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        // 1: --fail-on critical met the REDIRECTs; a cut selector would be a usage error (64).
        #expect(shell.terminationStatus == 1, "\(pasted): \(stderr)")
        #expect(stderr == "")
    }

    @Test func helpListsEveryExitStatus() throws {
        for args in [["--help"], ["parse", "--help"], ["analyze", "--help"]] {
            let help = try Tool.run(args, environment: ["COLUMNS": "400"]).stdout.replacingOccurrences(of: "\n", with: " ")
            for status in ["0 ", "64 usage", "65 bad data", "66 missing input", "74 read error"] {
                #expect(help.contains(status), "\(args) lacks \(status)")
            }
        }
    }

    @Test func familyTakesWhatItsHelpSays() throws {
        let help = try Tool.run(["parse", "--help"], environment: ["COLUMNS": "400"]).stdout
        #expect(help.contains("--family <family>") && help.contains("ip or ip6"))
        let listing = Tool.corpus.appendingPathComponent("listing-ip6tables-line-numbers-no-blank-lines.txt").path
        for family in ["ip", "ip6"] {
            #expect(try Tool.run(["parse", "--summary", "--family", family, listing]).status == 0)
        }
        for family in ["inet", "bridge", "arp", "netdev"] {
            let run = try Tool.run(["parse", "--summary", "--family", family, listing])
            #expect(run.status == 64, "--family \(family)")
            #expect(run.stderr.contains("'ip' and 'ip6'"), "\(run.stderr)")
        }
    }

    @Test func oneOfAThingIsSingular() throws {
        let single = Tool.corpus.appendingPathComponent("listing-openlan-single-chain-exact-x.txt").path
        let run = try Tool.run(["parse", single])
        #expect(run.stdout.hasPrefix("snapshot 1  (no time)  filter  1 chain  2 rules (2 counted)"), "\(run.stdout)")
        try withFile("security.txt", Self.securityListing) { url in
            let parsed = try Tool.run(["parse", url.path])
            #expect(parsed.stdout.contains("  3 chains  1 rule (1 counted)"))
            let analyzed = try Tool.run(["analyze", url.path])
            #expect(analyzed.stdout.hasPrefix("8 snapshots, 1 rule: 1 critical\n"))
        }
    }

    // MARK: - README

    /// README's first command prints `expected-analysis.txt`, and its Usage shows the start of it.
    @Test func readmeFirstCommandPrintsTheExpectedAnalysis() throws {
        let readme = try String(contentsOf: Tool.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let command = "rulewatch analyze Samples/incident/capture.txt --egress Samples/incident/egress.csv"
        #expect(readme.contains("swift run -c release " + command))
        let run = try Tool.run(Array(command.split(separator: " ").dropFirst().map(String.init)), in: Tool.repoRoot)
        #expect(run.status == 0)
        #expect(run.stderr == "")
        let expected = try String(contentsOf: Self.sample.appendingPathComponent("expected-analysis.txt"), encoding: .utf8)
        #expect(run.stdout == expected)
        let shown = readme.components(separatedBy: "$ " + command + "\n")[1].split(separator: "\n", omittingEmptySubsequences: false)
        let kept = shown.prefix { !$0.hasSuffix("...") && !$0.hasPrefix("$ ") }
        #expect(kept.count > 5)
        #expect(Array(expected.split(separator: "\n", omittingEmptySubsequences: false).prefix(kept.count)) == Array(kept))
    }

    /// README's `parse --summary` example shows the figures of a file in the repository.
    @Test func readmeSummaryExampleShowsARepositoryFile() throws {
        let readme = try String(contentsOf: Tool.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let examples = readme.matches(of: /\$ rulewatch parse --summary (\S+)\n(snapshots=[^\n]+)\n/)
        #expect(examples.count == 1)
        for example in examples {
            let file = Tool.repoRoot.appendingPathComponent(String(example.1))
            #expect(FileManager.default.fileExists(atPath: file.path), "\(example.1) is not in the repository")
            let run = try Tool.run(["parse", "--summary", String(example.1)], in: Tool.repoRoot)
            #expect(run.stdout == example.2 + "\n")
        }
    }
}
