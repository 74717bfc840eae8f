import Foundation
import RuleWatchCore
import RuleWatchNode
import Testing

/// `rulewatch collect --print` inside a network namespace of the test's own, on the running
/// kernel: iptables-nft, native nft, ebtables-nft and arptables-nft tables side by side (and
/// legacy iptables beside them), each rule taken exactly once.
@Suite("collect on a real kernel")
struct CollectKernelTests {
    /// Every rule the namespace's nftables holds, by the kernel's own count.
    static func kernelRuleCount(_ ns: TestNetns) throws -> Int {
        try ns.check("nft", ["-j", "list", "ruleset"]).stdout.components(separatedBy: "{\"rule\": ").count - 1
    }

    /// Checks that each of `expected` is in `capture` once, at its place in its chain, with
    /// its counters and from the dump `format` says.
    static func expectTaken(_ expected: [MixedRuleset.Rule], in capture: CaptureRules,
                            format: (MixedRuleset.Rule) -> DumpFormat) {
        var ordinal: [String: Int] = [:]
        for rule in expected {
            let chainKey = "\(rule.family) \(rule.table) \(rule.chain)"
            ordinal[chainKey, default: 0] += 1
            let found = capture.rules.filter {
                $0.family == rule.family && $0.table == rule.table && $0.chain == rule.chain && $0.position == ordinal[chainKey]!
            }
            #expect(found.count == 1, "\(chainKey) #\(ordinal[chainKey]!) (\(rule.spec)) found \(found.count) times in \(capture.rules)")
            guard let got = found.first else { continue }
            #expect(got.packets == rule.packets && got.bytes == rule.bytes, "\(got) should count \(rule.packets) packets, \(rule.bytes) bytes")
            #expect(got.format == format(rule), "\(got) should come from \(format(rule).rawValue)")
        }
    }

    /// iptables' tables through iptables-save, everything else through nft's JSON.
    static func nfTablesFormat(_ rule: MixedRuleset.Rule) -> DumpFormat {
        switch rule.backend {
        case .iptablesNft, .ip6tablesNft, .iptablesLegacy: .save
        case .nft, .ebtables, .arptables: .nftJSON
        }
    }

    /// A directory of links named as the tools `collect` looks for, for a PATH of the test's
    /// choosing; removed by the caller.
    static func toolDirectory(_ links: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rwnode-bin-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, target) in links {
            if target.hasPrefix("#!") {
                let url = dir.appendingPathComponent(name)
                try target.write(to: url, atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
            } else {
                try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent(name).path, withDestinationPath: target)
            }
        }
        return dir
    }

    @Test func iptablesNftAndNativeNftTablesAreEachTakenOnce() throws {
        let ns = try TestNetns("node")
        defer { ns.remove() }
        try MixedRuleset.load(MixedRuleset.rules, into: ns)
        let run = try ns.rulewatch(["collect", "--print"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stderr.isEmpty)
        let (capture, warnings) = try CaptureRules.parse(run.stdout)
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(capture.snapshots.count == 1 && !capture.partial)
        #expect(capture.snapshots.first?.time != nil)
        // nft lists iptables-nft's tables too: the capture holds each rule the kernel holds once.
        let kernel = try Self.kernelRuleCount(ns)
        #expect(kernel == MixedRuleset.rules.count)
        #expect(capture.rules.count == kernel, "capture rules: \(capture.rules)")
        Self.expectTaken(MixedRuleset.rules, in: capture, format: Self.nfTablesFormat)
        #expect(!capture.of("ip", "natlike").isEmpty, "the native table is there")
        // The tables the kernel was asked for are the ones nft names.
        let named = Set(NodeTable.parseNftList(Array(try ns.check("nft", ["list", "tables"]).stdout.utf8)).map(\.description))
        #expect(Set(capture.rules.map { "\($0.family) \($0.table)" }) == named)
    }

    @Test func legacyTablesBesideIptablesNftAreTakenAndASharedNameIsLeftOutOnce() throws {
        let ns = try TestNetns("legacy")
        defer { ns.remove() }
        try MixedRuleset.load(MixedRuleset.rules + MixedRuleset.legacyRules, into: ns)
        let run = try ns.rulewatch(["collect", "--print"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let (capture, warnings) = try CaptureRules.parse(run.stdout)
        #expect(warnings.isEmpty, "\(warnings)")
        // Two `ip filter` tables in one snapshot would cut it in two.
        #expect(capture.snapshots.count == 1)
        #expect(run.stdout.contains("# collect: note: iptables warns that legacy tables exist: taking them with iptables-legacy-save -c too"))
        #expect(run.stdout.contains("# collect: warning: ip filter is held by both legacy iptables and iptables-nft: the legacy one (iptables-legacy-save -c) is left out"))
        let legacyRaw = MixedRuleset.legacyRules.filter { $0.table == "raw" }
        Self.expectTaken(MixedRuleset.rules + legacyRaw, in: capture, format: Self.nfTablesFormat)
        #expect(capture.rules.count == (try Self.kernelRuleCount(ns)) + legacyRaw.count)
        #expect(!capture.rules.contains { $0.packets == 601 }, "the legacy filter rule is left out")
    }

    @Test func underLegacyIptablesTheIptablesNftTablesComeFromTheirOwnSave() throws {
        let ns = try TestNetns("legacymode")
        defer { ns.remove() }
        try MixedRuleset.load(MixedRuleset.rules + MixedRuleset.legacyRules, into: ns)
        let legacy = try Shell.require("xtables-legacy-multi"), nftMulti = try Shell.require("xtables-nft-multi")
        let bin = try Self.toolDirectory([
            "iptables": legacy, "iptables-save": legacy, "ip6tables-save": legacy,
            "iptables-nft-save": nftMulti, "ip6tables-nft-save": nftMulti, "nft": try Shell.require("nft"),
        ])
        defer { try? FileManager.default.removeItem(at: bin) }
        let run = try ns.rulewatch(["collect", "--print"], path: bin.path)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let (capture, warnings) = try CaptureRules.parse(run.stdout)
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(capture.snapshots.count == 1)
        #expect(run.stdout.contains("# collect: warning: ip filter is held by both legacy iptables and iptables-nft: the nf_tables one (iptables-nft-save -c) is left out"))
        // legacy's filter wins this time; iptables-nft's nat, mangle and ip6 filter come from its save.
        let expected = MixedRuleset.legacyRules + MixedRuleset.rules.filter { !($0.family == "ip" && $0.table == "filter") }
        Self.expectTaken(expected, in: capture, format: Self.nfTablesFormat)
        #expect(capture.rules.count == expected.count, "\(capture.rules)")
    }

    @Test(arguments: ["nft", "iptables"])
    func aMissingToolIsSkippedWithANote(missing: String) throws {
        let ns = try TestNetns("missing")
        defer { ns.remove() }
        try MixedRuleset.load(MixedRuleset.rules, into: ns)
        var links: [String: String] = [:]
        for tool in missing == "nft" ? ["iptables", "iptables-save", "ip6tables-save"] : ["nft"] {
            links[tool] = try Shell.require(tool)
        }
        let bin = try Self.toolDirectory(links)
        defer { try? FileManager.default.removeItem(at: bin) }
        let run = try ns.rulewatch(["collect", "--print"], path: bin.path)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stderr.isEmpty, "a missing tool is no error: \(run.stderr)")
        let (capture, warnings) = try CaptureRules.parse(run.stdout)
        #expect(warnings.isEmpty, "\(warnings)")
        if missing == "nft" {
            #expect(run.stdout.contains("# collect: note: nft is not on PATH: skipped"))
            let iptablesRules = MixedRuleset.rules.filter { $0.backend == .iptablesNft || $0.backend == .ip6tablesNft }
            Self.expectTaken(iptablesRules, in: capture, format: Self.nfTablesFormat)
            #expect(capture.rules.count == iptablesRules.count)
        } else {
            // No iptables at all: nft is the only way in, and takes every table, once.
            #expect(run.stdout.contains("# collect: note: iptables is not on PATH"))
            #expect(run.stdout.contains("# collect: note: iptables-save is not on PATH: skipped"))
            #expect(capture.rules.count == (try Self.kernelRuleCount(ns)))
            Self.expectTaken(MixedRuleset.rules, in: capture) { _ in .nftJSON }
        }
    }

    @Test func aFailingToolIsReportedWithItsStandardErrorAndTheRestKept() throws {
        let ns = try TestNetns("failing")
        defer { ns.remove() }
        try MixedRuleset.load(MixedRuleset.rules, into: ns)
        let nft = try Shell.require("nft"), sleep = try Shell.require("sleep")
        let bin = try Self.toolDirectory([
            "iptables": try Shell.require("iptables"), "iptables-save": try Shell.require("iptables-save"),
            "ip6tables-save": "#!/bin/sh\necho 'ip6tables-save: cannot read the ruleset: Resource temporarily unavailable' >&2\nexit 3\n",
            // Hangs on one table only: `exec` so that the kill reaches the sleeper itself.
            "nft": "#!/bin/sh\ncase \"$*\" in *'inet mine'*) exec \(sleep) 30 ;; esac\nexec \(nft) \"$@\"\n",
        ])
        defer { try? FileManager.default.removeItem(at: bin) }
        let run = try ns.rulewatch(["collect", "--print", "--timeout", "3"], path: bin.path)
        #expect(run.status == 74)
        #expect(run.stderr.contains("error: collect: ip6tables-save -c: exit status 3: ip6tables-save: cannot read the ruleset: Resource temporarily unavailable"), "\(run.stderr)")
        #expect(run.stderr.contains("error: collect: nft -j list table inet mine: still running after 3s: killed"), "\(run.stderr)")
        let (capture, warnings) = try CaptureRules.parse(run.stdout)
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(run.stdout.contains("# collect: error: ip6tables-save -c: exit status 3"))
        // The rest is there: iptables' tables, the native ip table, the bridge and arp tables.
        let kept = MixedRuleset.rules.filter { $0.backend != .ip6tablesNft && $0.table != "mine" }
        Self.expectTaken(kept, in: capture, format: Self.nfTablesFormat)
        #expect(capture.rules.count == kept.count, "\(capture.rules)")
        // ip6tables' tables are not taken through nft instead: their rules would look new.
        #expect(capture.of("ip6", "filter").isEmpty)
    }
}
