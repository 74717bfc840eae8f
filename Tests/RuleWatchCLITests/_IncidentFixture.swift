import Foundation
import Glibc
import Synchronization

/// The model incident, a healthy twin and an outage of the far servers, rebuilt once per test
/// process on the running kernel by `Samples/incident/make-capture.sh`.
///
/// The seed (random, or `RULEWATCH_INCIDENT_SEED`) picks the runs' dump formats, timing and
/// decoys; every failure message carries it, so a failing run can be made again exactly.
struct IncidentFixture: Sendable {
    let seed: UInt64
    let incident: IncidentRun
    let healthy: IncidentRun
    let outage: IncidentRun
    /// The incident again, with a service's burst through its DNAT in the interval egress
    /// falls, and the culprits' printed remove commands run in the node afterwards
    /// (`--burst-at-onset --fix`): `fix-*.rules` and `fix-egress.txt` say what they did.
    let burst: IncidentRun
    /// The incident listed by nft with rule handles, as text (`nft -a`) and as JSON
    /// (`nft -a -j`), with the culprits' printed steps run in the node afterwards
    /// (`nftFixCommand`): the first culprit's trace and its undo, then every remove line.
    let nftText: IncidentRun
    let nftJSON: IncidentRun

    /// Made on first use, by whichever test gets there first; the others wait for it.
    static let shared: Result<IncidentFixture, IncidentFixtureError> = {
        do throws(IncidentFixtureError) { return .success(try make()) } catch { return .failure(error) }
    }()

    /// The fixture, or an error that says why the kernel test cannot run here.
    static func get() throws -> IncidentFixture { try shared.get() }

    static let scenarios = ["incident", "healthy", "outage"]

    func run(_ scenario: String) -> IncidentRun {
        switch scenario {
        case "incident": incident
        case "healthy": healthy
        case "burst": burst
        default: outage
        }
    }

    static let formats = ["listing", "listing-x", "listing-n", "listing-nx", "save", "nft"]
    /// The burst run's formats: those whose remove command names the rule without a lookup
    /// (a save's `-D` form, a listing's position); nft's needs the handle `nft -a` prints.
    static let fixFormats = ["save", "listing", "listing-nx"]

    /// Prints the remove commands of `analyze`'s culprits, a listing's from the bottom of its
    /// chain up, as the report's note says (deleting a rule moves the ones below it up).
    static func fixCommand(tool: URL) -> String {
        let script = """
            import json, re, sys
            d = json.load(sys.stdin)
            cmds = [c for e in d["entries"] if e["role"] == "culprit" for c in e["next_steps"]["remove"]]
            def position(c):
                m = re.search(r" -D \\S+ (\\d+)$", c)
                return -int(m.group(1)) if m else 0
            for c in sorted(cmds, key=position):
                print(c)
            """
        return "'\(tool.path)' analyze capture.txt --egress egress.csv --format json | python3 -c '\(script)'"
    }
    /// Prints the first culprit's confirm and undo lines, then every culprit's remove lines:
    /// run one by one, the ruleset gains the trace table, loses it, then loses the culprits.
    static func nftFixCommand(tool: URL) -> String {
        let script = """
            import json, sys
            d = json.load(sys.stdin)
            culprits = [e["next_steps"] for e in d["entries"] if e["role"] == "culprit"]
            for c in culprits[:1]:
                for line in c["confirm"] + c["undo_confirm"]:
                    print(line)
            for c in culprits:
                for line in c["remove"]:
                    print(line)
            """
        return "'\(tool.path)' analyze capture.txt --egress egress.csv --format json | python3 -c '\(script)'"
    }
    static let intervals = 8
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples/incident/make-capture.sh")

    private static func make() throws(IncidentFixtureError) -> IncidentFixture {
        let seed = try chooseSeed()
        // A format per scenario from one seed, so one number reproduces every run.
        var digits = seed
        let chosen = scenarios.map { _ in
            defer { digits /= 6 }
            return formats[Int(digits % 6)]
        }
        let context = "seed=\(seed) (set RULEWATCH_INCIDENT_SEED=\(seed) to repeat)"
        let formatsText = zip(scenarios, chosen).map { "\($0)=\($1)" }.joined(separator: " ")
        FileHandle.standardError.write(Data("kernel incident: \(context); formats \(formatsText)\n".utf8))
        try checkPrerequisites(needNft: true, context: context)
        let tool = try IncidentTool.url(context: context)

        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("rulewatch-incident-\(seed)-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        IncidentRun.scheduleRemoval(of: root)
        // All at once: they sleep most of the time, and each has namespaces of its own.
        let runs = zip(scenarios, chosen).map { scenario, format in
            IncidentRun.Pending(scenario: scenario, format: format, seed: seed,
                                directory: root.appendingPathComponent(scenario))
        } + [IncidentRun.Pending(scenario: "incident", format: fixFormats[Int(seed % 3)], seed: seed,
                                 directory: root.appendingPathComponent("burst"),
                                 extra: ["--burst-at-onset", "--hostile-comments", "--fix", fixCommand(tool: try IncidentTool.url(context: context))])]
            + ["nft-a", "nft-json"].map { format in
                IncidentRun.Pending(scenario: "incident", format: format, seed: seed,
                                    directory: root.appendingPathComponent(format),
                                    extra: ["--fix", nftFixCommand(tool: tool)])
            }
        let started = try runs.map { pending throws(IncidentFixtureError) in try pending.start() }
        var finished: [IncidentRun] = []
        for process in started { finished.append(try process.finish()) }
        return IncidentFixture(seed: seed, incident: finished[0], healthy: finished[1], outage: finished[2],
                               burst: finished[3], nftText: finished[4], nftJSON: finished[5])
    }

    private static func chooseSeed() throws(IncidentFixtureError) -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["RULEWATCH_INCIDENT_SEED"], !text.isEmpty {
            guard let seed = UInt64(text), seed <= UInt64(Int64.max) else {
                throw IncidentFixtureError("RULEWATCH_INCIDENT_SEED must be an integer 0...\(Int64.max), not '\(text)'")
            }
            return seed
        }
        return UInt64.random(in: 0..<1_000_000)
    }

    private static func checkPrerequisites(needNft: Bool, context: String) throws(IncidentFixtureError) {
        guard getuid() == 0 else {
            throw IncidentFixtureError("""
                the real-kernel incident test must run as root: it creates network namespaces \
                and loads iptables rules into them (run `swift test` as root, as CI does); \(context)
                """)
        }
        var tools = ["ip", "iptables", "iptables-save", "iptables-restore", "python3", "bash"]
        if needNft { tools.append("nft") }
        let missing = tools.filter { findInPath($0) == nil }
        guard missing.isEmpty else {
            throw IncidentFixtureError("""
                the real-kernel incident test needs \(missing.joined(separator: ", ")) on PATH \
                (`.ci/setup` installs them); \(context)
                """)
        }
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw IncidentFixtureError("\(script.path) is missing; \(context)")
        }
    }

    static func findInPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin"
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        return dirs.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// Why the incident fixture could not be made; its text is the test failure's message.
struct IncidentFixtureError: Error, CustomStringConvertible, Sendable {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One scenario's capture: where it is, what the script says it did, and how egress went.
struct IncidentRun: Sendable {
    let scenario: String
    let format: String
    let seed: UInt64
    let directory: URL
    /// `truth.txt` as key=value (the last value of a repeated key).
    let truth: [String: String]
    /// `egress.csv`: one row per snapshot.
    let egress: [EgressRow]
    /// What the script printed, for failure messages.
    let log: String

    struct EgressRow: Sendable {
        var time: Date
        var ok: Int
        var total: Int
    }

    var capture: URL { directory.appendingPathComponent("capture.txt") }
    var egressCSV: URL { directory.appendingPathComponent("egress.csv") }

    /// 0-based index of the first snapshot that shows the REDIRECT rules.
    var injectInterval: Int? { truth["inject_interval"].flatMap { Int($0) } }

    /// Egress attempts an interval to a port the incident leaves alone (`8080:N` in truth.txt).
    var untouchedAttempts: Int {
        let probes = truth["probes_per_interval"] ?? ""
        return probes.split(separator: ",").first { $0.hasPrefix("8080:") }
            .flatMap { Int($0.dropFirst(5)) } ?? 0
    }

    /// Median time between snapshots.
    var intervalSeconds: TimeInterval {
        let gaps = zip(egress.dropFirst(), egress).map { $0.time.timeIntervalSince($1.time) }.sorted()
        return gaps.isEmpty ? 3 : gaps[gaps.count / 2]
    }

    /// Everything a failure message needs to find and repeat this run.
    var context: String {
        "scenario=\(scenario) seed=\(seed) format=\(format) capture=\(capture.path) (kept) "
            + "(repeat: RULEWATCH_INCIDENT_SEED=\(seed); or bash Samples/incident/make-capture.sh "
            + "--out DIR --seed \(seed) --format \(format) --scenario \(scenario))"
    }

    /// Keeps the capture on disk after the process ends, so a failure can be looked at.
    func keep() {
        IncidentRun.kept.withLock { $0 = true }
    }

    // MARK: - Running the script

    struct Pending {
        var scenario: String
        var format: String
        var seed: UInt64
        var directory: URL
        var extra: [String] = []

        func start() throws(IncidentFixtureError) -> Started {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: IncidentFixture.findInPath("bash") ?? "/bin/bash")
            process.arguments = [IncidentFixture.script.path, "--out", directory.path, "--seed", String(seed),
                                 "--format", format, "--scenario", scenario,
                                 "--intervals", String(IncidentFixture.intervals)] + extra
            let logURL = directory.deletingLastPathComponent().appendingPathComponent("\(directory.lastPathComponent).log")
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
                let log = try FileHandle(forWritingTo: logURL)
                process.standardOutput = log
                process.standardError = log
                process.standardInput = FileHandle.nullDevice
                try process.run()
            } catch {
                throw IncidentFixtureError("cannot run make-capture.sh (\(scenario), seed=\(seed)): \(error)")
            }
            return Started(pending: self, process: process, logURL: logURL)
        }
    }

    struct Started {
        var pending: Pending
        var process: Process
        var logURL: URL

        func finish() throws(IncidentFixtureError) -> IncidentRun {
            // A run takes about 30 s; past this something hangs, and the script's trap cleans up.
            let deadline = Date().addingTimeInterval(90)
            while process.isRunning && Date() < deadline { usleep(100_000) }
            let timedOut = process.isRunning
            if timedOut {
                // TERM lets the script's trap remove its namespaces; KILL if even that hangs.
                process.terminate()
                let grace = Date().addingTimeInterval(15)
                while process.isRunning && Date() < grace { usleep(100_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
            }
            let log = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            let what = "make-capture.sh scenario=\(pending.scenario) seed=\(pending.seed) format=\(pending.format)"
            if timedOut {
                IncidentRun.kept.withLock { $0 = true }
                throw IncidentFixtureError("\(what) took over 90 s and was stopped; its output:\n\(log)")
            }
            guard process.terminationStatus == 0 else {
                IncidentRun.kept.withLock { $0 = true }
                throw IncidentFixtureError("\(what) failed with status \(process.terminationStatus); its output:\n\(log)")
            }
            let dir = pending.directory
            guard let truthText = try? String(contentsOf: dir.appendingPathComponent("truth.txt"), encoding: .utf8),
                  let csv = try? String(contentsOf: dir.appendingPathComponent("egress.csv"), encoding: .utf8)
            else {
                throw IncidentFixtureError("\(what) left no truth.txt or egress.csv in \(dir.path); its output:\n\(log)")
            }
            return IncidentRun(scenario: pending.scenario, format: pending.format, seed: pending.seed,
                               directory: dir, truth: Self.keyValues(truthText),
                               egress: Self.egressRows(csv), log: log)
        }

        static func keyValues(_ text: String) -> [String: String] {
            var result: [String: String] = [:]
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let eq = line.firstIndex(of: "=") else { continue }
                result[String(line[..<eq])] = String(line[line.index(after: eq)...])
            }
            return result
        }

        static func egressRows(_ csv: String) -> [EgressRow] {
            csv.split(separator: "\n").dropFirst().compactMap { line in
                let fields = line.split(separator: ",").map(String.init)
                guard fields.count == 3, let time = incidentParseISO8601(fields[0]),
                      let ok = Int(fields[1]), let total = Int(fields[2]) else { return nil }
                return EgressRow(time: time, ok: ok, total: total)
            }
        }
    }

    // MARK: - Leaving no trace unless asked to

    static let kept = Mutex(false)
    private static let removal = Mutex<String?>(nil)

    static func scheduleRemoval(of root: URL) {
        removal.withLock { $0 = root.path }
        atexit {
            let path = IncidentRun.removal.withLock { $0 }
            guard let path else { return }
            if IncidentRun.kept.withLock({ $0 }) {
                FileHandle.standardError.write(Data("kernel incident captures kept in \(path)\n".utf8))
            } else {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }
}

/// `2026-11-24T10:00:00Z`, with or without fractional seconds or a numeric zone.
func incidentParseISO8601(_ text: String) -> Date? {
    let plain = ISO8601DateFormatter()
    if let date = plain.date(from: text) { return date }
    let fractional = ISO8601DateFormatter()
    fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return fractional.date(from: text)
}

/// The built `rulewatch`, found beside the test bundle in the build's products directory.
enum IncidentTool {
    static func url(context: String) throws(IncidentFixtureError) -> URL {
        if let path = candidates().first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) {
            return path
        }
        throw IncidentFixtureError("""
            cannot find the built rulewatch executable (looked in \
            \(candidates().map(\.path).joined(separator: ", "))); set RULEWATCH_BIN; \(context)
            """)
    }

    private static func candidates() -> [URL] {
        var dirs: [URL] = []
        if let bin = ProcessInfo.processInfo.environment["RULEWATCH_BIN"] {
            return [URL(fileURLWithPath: bin)]
        }
        // Linux runs the test bundle as `<products>/<package>PackageTests.xctest`; macOS nests
        // it as a bundle inside the products directory.
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        dirs.append(argv0.deletingLastPathComponent())
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        dirs.append(exe.deletingLastPathComponent())
        let bundle = Bundle.main.bundleURL
        dirs.append(bundle)
        dirs.append(bundle.deletingLastPathComponent())
        var seen = Set<String>()
        return dirs.map { $0.appendingPathComponent("rulewatch") }.filter { seen.insert($0.path).inserted }
    }
}

/// What `rulewatch` printed and how it exited.
struct IncidentToolRun: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Runs it to the end; output goes through files so neither pipe can fill and block it.
    static func run(_ arguments: [String], in directory: URL) throws -> IncidentToolRun {
        let binary = try IncidentTool.url(context: "")
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("rulewatch-run-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out"), errURL = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return IncidentToolRun(status: process.terminationStatus,
                               stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                               stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}

/// `rulewatch analyze --format json`, as far as the kernel test reads it.
struct IncidentReport: Decodable, Sendable {
    var schema: Int?
    var snapshots: Int?
    var rules: Int?
    var findings: [Finding]

    struct Finding: Decodable, Sendable {
        var kind: String?
        var severity: String?
        var score: Double?
        var ruleID: String?
        var family: String?
        var table: String?
        var chain: String?
        var target: String?
        var rule: String?
        var since: String?
        var explanation: String?

        enum CodingKeys: String, CodingKey {
            case kind, severity, score, family, table, chain, target, rule, since, explanation
            case ruleID = "rule_id"
        }

        var isCritical: Bool { severity?.lowercased() == "critical" }

        /// 80 or 443 when this is one of the model incident's REDIRECT rules, in any dump's words:
        /// `tcp dpt:https redir ports 47443`, `-p tcp -m tcp --dport 443 -j REDIRECT --to-ports
        /// 47443`, `tcp dport 443 counter ... redirect to :47443`.
        var incidentPort: Int? {
            let text = (rule ?? "").lowercased()
            let isRedirect = target?.lowercased() == "redirect" || text.contains("redirect") || text.contains("redir ")
            guard isRedirect else { return nil }
            let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            func hasPort(_ names: Set<String>) -> Bool {
                for (i, word) in words.enumerated() {
                    if word.hasPrefix("dpt:"), names.contains(String(word.dropFirst(4))) { return true }
                    if word == "--dport" || word == "dport", i + 1 < words.count, names.contains(words[i + 1]) {
                        return true
                    }
                }
                return false
            }
            if hasPort(["443", "https"]) && text.contains("47443") { return 443 }
            if hasPort(["80", "http", "www"]) && text.contains("47080") { return 80 }
            return nil
        }

        /// One line for a failure message.
        var summary: String {
            "\(severity ?? "?") \(kind ?? "?") score=\(score.map { String(format: "%.2f", $0) } ?? "?") "
                + "\(table ?? "?")/\(chain ?? "?") \(target ?? "?") [\(rule ?? "")] since=\(since ?? "-")"
        }
    }

    /// The top findings, one a line, for failure messages.
    func top(_ count: Int = 6) -> String {
        findings.prefix(count).enumerated().map { "  #\($0.offset + 1) \($0.element.summary)" }
            .joined(separator: "\n")
    }
}
