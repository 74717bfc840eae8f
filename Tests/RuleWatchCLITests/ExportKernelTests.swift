import Foundation
import Synchronization
import Testing

/// `rulewatch export` on a real-kernel incident whose kube-proxy chains are rewritten
/// (counters restart) mid-capture, ingested into a store snapshot by snapshot as a cron loop
/// would, and exported from it at the middle (the last snapshot before the rewrite) and at
/// the end; the export of the capture file itself must say the same.
///
/// The capture is made once per test process by Samples/incident/make-capture.sh with a seed
/// whose plan rewrites the chains (random, or `RULEWATCH_EXPORT_SEED`). Needs root, iproute2,
/// iptables and python3; fails (never skips) without them.
@Suite("Kernel export")
struct ExportKernelTests {
    struct Fixture: Sendable {
        var run: IncidentRun
        /// 0-based: the first snapshot after kube-proxy's rewrite.
        var rewrite: Int
        var middle: String
        var end: String
        /// `rulewatch export capture.txt` of the whole capture.
        var captureEnd: String
        /// The store's export after pruning all but the newest snapshot.
        var pruned: String
        var lastSnapshot: String
    }

    static let shared: Result<Fixture, IncidentFixtureError> = {
        do throws(IncidentFixtureError) { return .success(try make()) } catch { return .failure(error) }
    }()

    private static func make() throws(IncidentFixtureError) -> Fixture {
        guard getuid() == 0 else { throw IncidentFixtureError("the kernel export test must run as root") }
        let seed = try chooseSeed()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rulewatch-export-\(seed)-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        defer { try? FileManager.default.removeItem(at: root) }
        let formats = IncidentFixture.formats.filter { $0 != "nft" }
        let format = formats[Int(seed % UInt64(formats.count))]
        let pending = IncidentRun.Pending(scenario: "incident", format: format, seed: seed, directory: root.appendingPathComponent("incident"))
        let run = try pending.start().finish()
        let context = run.context
        guard let rewrite = run.truth["rewrite_interval"].flatMap({ Int($0) }), rewrite >= 1 else {
            throw IncidentFixtureError("truth.txt names no rewrite: \(context)")
        }
        do {
            let text = try String(contentsOf: run.capture, encoding: .utf8)
            let snapshots = Self.snapshots(text)
            guard snapshots.count == IncidentFixture.intervals else {
                throw IncidentFixtureError("\(snapshots.count) snapshots in the capture, expected \(IncidentFixture.intervals): \(context)")
            }
            func tool(_ arguments: [String]) throws -> String {
                let out = try Tool.run(arguments)
                guard out.status == 0 else {
                    throw IncidentFixtureError("rulewatch \(arguments.joined(separator: " ")) failed (\(out.status)): \(out.stderr) \(context)")
                }
                return out.stdout
            }
            let store = root.appendingPathComponent("rulewatch.db").path
            var middle = ""
            for (k, snapshot) in snapshots.enumerated() {
                let path = root.appendingPathComponent("snapshot-\(k + 1).txt")
                try snapshot.write(to: path, atomically: true, encoding: .utf8)
                _ = try tool(["ingest", "--quiet", "--store", store, "--source", "kernel-node", path.path])
                if k + 1 == rewrite { middle = try tool(["export", "--store", store, "--source", "kernel-node"]) }
            }
            let end = try tool(["export", "--store", store, "--source", "kernel-node"])
            // Every snapshot is older than a second by now, but the newest is always kept.
            _ = try tool(["prune", "--store", store, "--keep", "1s"])
            return Fixture(run: run, rewrite: rewrite, middle: middle, end: end,
                           captureEnd: try tool(["export", run.capture.path]),
                           pruned: try tool(["export", "--min-packets", "0", "--store", store, "--source", "kernel-node"]),
                           lastSnapshot: snapshots.last!)
        } catch let error as IncidentFixtureError {
            throw error
        } catch {
            throw IncidentFixtureError("\(error): \(context)")
        }
    }

    /// A seed whose plan rewrites kube-proxy's chains after the second snapshot.
    private static func chooseSeed() throws(IncidentFixtureError) -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["RULEWATCH_EXPORT_SEED"], let seed = UInt64(text) { return seed }
        for _ in 0..<200 {
            let seed = UInt64.random(in: 0..<1_000_000)
            if let rewrite = planRewrite(seed), rewrite >= 2 { return seed }
        }
        throw IncidentFixtureError("no seed in 200 tries rewrites the chains")
    }

    private static func planRewrite(_ seed: UInt64) -> Int? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [IncidentFixture.script.path, "--plan", "--seed", String(seed), "--scenario", "incident",
                             "--intervals", String(IncidentFixture.intervals)]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let values = IncidentRun.Started.keyValues(String(decoding: data, as: UTF8.self))
        return values["rewrite_interval"].flatMap { Int($0) }
    }

    /// make-capture.sh writes a timestamp, `# egress ok=N total=N`, then the dump.
    static func snapshots(_ text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) + "\n" }
        let starts = lines.indices.filter { $0 > 0 && lines[$0].hasPrefix("# egress ") }.map { $0 - 1 }
        return zip(starts, starts.dropFirst() + [lines.count - 1]).map { lines[$0..<$1].joined() }
    }

    /// `name{labels}` to value.
    static func samples(_ exposition: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            out[String(line[..<space])] = value
        }
        return out
    }

    /// The `chain` label of a series.
    static func chain(_ series: String) -> String? {
        guard let at = series.range(of: #"chain=""#) else { return nil }
        return String(series[at.upperBound...].prefix { $0 != "\"" })
    }

    static func fixture() throws -> Fixture { try shared.get() }

    @Test func middleAndEndExportsAreCleanForPromtool() throws {
        let f = try Self.fixture()
        for (name, text) in [("middle", f.middle), ("end", f.end)] {
            let problems = try Promtool.checkMetrics(text)
            #expect(problems.isEmpty, "promtool check metrics on the \(name) export: \(problems) \(f.run.context)")
        }
    }

    @Test func noCounterWentDownBetweenMiddleAndEndIncludingTheRewrittenChain() throws {
        let f = try Self.fixture()
        let middle = Self.samples(f.middle), end = Self.samples(f.end)
        var compared = 0
        for (series, value) in middle where series.hasPrefix("rulewatch_rule_") && series.contains("_total{")
            || series.hasPrefix("rulewatch_chain_resets_total{") {
            guard let after = end[series] else {
                // A rule may leave (a swapped endpoint); its series ends, it does not go down.
                continue
            }
            compared += 1
            #expect(after >= value, "\(series) went down from \(value) to \(after) \(f.run.context)")
        }
        #expect(compared > 20, "only \(compared) series in both exports \(f.run.context)")
        // The rewrite was seen: chains whose counters went down, whose rules kept their series.
        let rewritten = end.filter { $0.key.hasPrefix("rulewatch_chain_resets_total{") && $0.value > 0 }
        #expect(!rewritten.isEmpty, "no chain counted a reset after the rewrite at snapshot \(f.rewrite + 1) \(f.run.context)")
        let chains = rewritten.keys.compactMap(Self.chain)
        let kept = middle.keys.filter { key in
            key.hasPrefix("rulewatch_rule_packets_total{") && chains.contains { key.contains(#"chain="\#($0)""#) } && end[key] != nil
        }
        #expect(!kept.isEmpty, "no rule of the rewritten chains \(chains) kept its series \(f.run.context)")
        for key in kept where (middle[key] ?? 0) > 0 {
            #expect(end[key]! >= middle[key]!, "\(key) went down across the rewrite \(f.run.context)")
        }
    }

    @Test func storeAndCaptureExportsSayTheSame() throws {
        let f = try Self.fixture()
        #expect(Self.samples(f.end) == Self.samples(f.captureEnd), "\(f.run.context)")
    }

    @Test func pruningLowersNoExportedCounter() throws {
        let f = try Self.fixture()
        // Pruned exports every rule (--min-packets 0): a rule a finding named at the end may
        // have no finding over what is left, yet its total must still be there, unlowered.
        let end = Self.samples(f.end), pruned = Self.samples(f.pruned)
        let counters = end.filter { $0.key.hasPrefix("rulewatch_rule_") && $0.key.contains("_total{") || $0.key.hasPrefix("rulewatch_chain_resets_total{") }
        #expect(!counters.isEmpty)
        for (series, value) in counters {
            #expect(pruned[series] == value, "\(series): \(value) before pruning, \(String(describing: pruned[series])) after \(f.run.context)")
        }
    }

    @Test func redirectTotalEqualsItsCounterInTheLastDump() throws {
        let f = try Self.fixture()
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let last = dir.appendingPathComponent("last.txt")
        try f.lastSnapshot.write(to: last, atomically: true, encoding: .utf8)
        let parsed = try Tool.run(["parse", "--format", "jsonl", last.path])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        let rows = parsed.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let redirect = try #require(rows.first { ($0["target"] as? String) == "REDIRECT" && (($0["rule"] as? String) ?? "").contains("47443") },
                                    "no :443 REDIRECT rule in the last dump \(f.run.context)")
        let counter = try #require(redirect["pkts"] as? Int)
        #expect(counter > 0, "\(f.run.context)")
        let end = Self.samples(f.end)
        let info = try #require(f.end.split(separator: "\n").first { $0.hasPrefix("rulewatch_rule_info{") && $0.contains("47443") })
        let id = String(info.split(separator: "\"")[1])
        let exported = end.first { $0.key.hasPrefix("rulewatch_rule_packets_total{") && $0.key.contains(#"rule_id="\#(id)""#) }
        #expect(exported?.value == Double(counter), "exported \(String(describing: exported)), last dump \(counter) \(f.run.context)")
    }
}
