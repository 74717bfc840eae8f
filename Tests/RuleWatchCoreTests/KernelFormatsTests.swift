import Foundation
import Testing
@testable import RuleWatchCore

/// The same ruleset, loaded into a real kernel and dumped by the real tools in every format,
/// must read the same in each: as many rules, the same counters, and the counters the
/// generator wrote. Needs root (CI runs it as root); fails, never skips, without it.
@Suite("Kernel formats agree", .serialized)
struct KernelFormatsTests {
    let fixture: KernelFixture

    init() throws {
        fixture = try KernelFixture.shared()
    }

    func summary(_ dump: KernelDump) throws -> Summary {
        var sink = Summary()
        var warnings: [Diagnostic] = []
        let parser = CaptureParser { warnings.append($0) }
        try parser.parse(files: [fixture.url(dump).path], into: &sink)
        #expect(warnings.isEmpty, "\(dump.rawValue): \(warnings.prefix(5).map(\.description))")
        return sink
    }

    func rules(_ dump: KernelDump) throws -> RuleCollector {
        var sink = RuleCollector()
        try CaptureParser().parse(files: [fixture.url(dump).path], into: &sink)
        return sink
    }

    var expected: KernelFixture.Totals { fixture.expected["total"] ?? .init() }

    @Test("every dump is one snapshot with the generator's rule count", arguments: KernelDump.allCases)
    func ruleCount(_ dump: KernelDump) throws {
        let s = try summary(dump)
        #expect(expected.rules > 500)
        #expect(s.snapshots == 1)
        #expect(s.rules == expected.rules)
        #expect(s.counted == (dump.hasCounters ? expected.rules : 0))
    }

    @Test("exact dumps add up to the generator's packets and bytes",
          arguments: KernelDump.allCases.filter { $0.hasCounters && !$0.isAbbreviated })
    func exactTotals(_ dump: KernelDump) throws {
        let s = try summary(dump)
        #expect(s.packets == expected.packets)
        #expect(s.bytes == expected.bytes)
    }

    @Test("every table is read, as iptables names it", arguments: KernelDump.allCases)
    func tables(_ dump: KernelDump) throws {
        let r = try rules(dump)
        #expect(Set(r.tables) == ["ip nat", "ip filter"])
    }

    @Test("every rule's counters are the ones the generator wrote",
          arguments: KernelDump.allCases.filter { $0.hasCounters })
    func perRuleCounters(_ dump: KernelDump) throws {
        let reference = RestoreFileReference.rules(
            try String(contentsOf: fixture.directory.appendingPathComponent("ruleset.txt"), encoding: .utf8))
        let parsed = try rules(dump).rules
        #expect(reference.count == expected.rules)
        #expect(Set(parsed.keys) == Set(reference.keys))
        var wrong: [String] = []
        for (key, want) in reference.sorted(by: { $0.key < $1.key }) {
            guard let got = parsed[key], let p = got.packets, let b = got.bytes else {
                wrong.append("\(key): no counters")
                continue
            }
            let fits = dump.isAbbreviated
                ? (p.lower...p.upper).contains(want.packets) && (b.lower...b.upper).contains(want.bytes)
                : p == .exact(want.packets) && b == .exact(want.bytes)
            if !fits {
                wrong.append("\(key): want \(want.packets)/\(want.bytes), got \(p.lower)...\(p.upper)/\(b.lower)...\(b.upper)")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) rules: \(wrong.prefix(5))")
    }

    @Test("every dump declares the restore file's chains, with the built-ins' hooks, policies and counters",
          arguments: KernelDump.allCases)
    func declaredChains(_ dump: KernelDump) throws {
        // The restore file's `:CHAIN POLICY [packets:bytes]` lines, by `table chain`.
        var want: [String: (policy: String, packets: UInt64, bytes: UInt64)] = [:]
        var tableName = ""
        for line in try String(contentsOf: fixture.directory.appendingPathComponent("ruleset.txt"), encoding: .utf8)
            .split(separator: "\n") {
            if line.hasPrefix("*") { tableName = String(line.dropFirst()) }
            guard line.hasPrefix(":") else { continue }
            let f = line.dropFirst().split(separator: " ")
            let counts = f[2].dropFirst().dropLast().split(separator: ":").compactMap { UInt64($0) }
            want["\(tableName) \(f[0])"] = (String(f[1]), counts[0], counts[1])
        }
        #expect(want.count > 100)

        // Tables kept whole, as a sink may keep them: each must keep its chains while the
        // scanner empties and refills its own table for the next.
        struct Kept: DumpSink {
            var tables: [ParsedTable] = []
            var wantsRules: Bool { true }
            mutating func beginSnapshot(_ header: SnapshotHeader) {}
            mutating func endSnapshot(_ header: SnapshotHeader, partial: Bool) {}
            mutating func table(_ t: ParsedTable) { tables.append(t) }
        }
        var kept = Kept()
        try CaptureParser().parse(files: [fixture.url(dump).path], into: &kept)
        var got: [String: ChainInfo] = [:]
        for t in kept.tables {
            var lent: [ChainInfo] = []
            t.forEachChain { lent.append($0.info) }
            #expect(lent == t.chains && lent.count == t.chainCount, "\(t.name): lent and copied differ")
            for c in lent { got["\(t.name) \(c.name)"] = c }
        }
        #expect(Set(got.keys) == Set(want.keys))
        var wrong: [String] = []
        for (key, w) in want.sorted(by: { $0.key < $1.key }) {
            guard let c = got[key] else { continue }
            let builtin = w.policy != "-"
            let name = String(key.split(separator: " ")[1])
            var fine = builtin
                ? c.policy?.uppercased() == w.policy && c.hook == name.lowercased()
                : c.policy == nil && c.hook == nil
            // nft prints no policy counters, plain iptables-save prints them as it found them,
            // abbreviated listings round them; exact listings and saves with counters print
            // what the restore file set.
            if builtin, dump == .saveCounters || dump == .listingExact || dump == .listingNumericExact {
                fine = fine && c.packets == .exact(w.packets) && c.bytes == .exact(w.bytes)
            }
            if dump.format == .listing, !builtin { fine = fine && c.references != nil }
            if !fine { wrong.append("\(key): \(c)") }
        }
        #expect(wrong.isEmpty, "\(wrong.count) chains: \(wrong.prefix(5))")
    }

    @Test("abbreviated listings print K, M and G, and their sums bracket the exact ones",
          arguments: KernelDump.allCases.filter(\.isAbbreviated))
    func abbreviatedTotals(_ dump: KernelDump) throws {
        let text = try String(contentsOf: fixture.url(dump), encoding: .utf8)
        for unit in ["K ", "M ", "G "] {
            #expect(text.contains(unit), "no counter in \(unit.first!) units: the sample should show every unit")
        }
        let collected = try rules(dump).rules.values
        let lower = collected.reduce(UInt64(0)) { $0 + ($1.packets?.lower ?? 0) }
        let upper = collected.reduce(UInt64(0)) { $0 + ($1.packets?.upper ?? 0) }
        #expect((lower...upper).contains(expected.packets))
        let s = try summary(dump)
        #expect(s.packets != expected.packets, "the printed sum should be the rounded one")
    }

    @Test("a rolling capture splits into its snapshots, counters never falling")
    func rollingCapture() throws {
        let out = fixture.directory.appendingPathComponent("capture.txt")
        let script = KernelFixture.sampleDirectory.appendingPathComponent("make-capture.sh")
        let (status, output) = try KernelFixture.run(script.path, [
            out.path, "--snapshots", "3", "--services", "\(KernelFixture.services)", "--seed", "\(KernelFixture.seed)",
        ])
        try #require(status == 0, "make-capture.sh: \(output)")

        struct Series: DumpSink {
            var times: [Int64?] = []
            var packets: [UInt64] = []
            var rules: [Int] = []
            var wantsRules: Bool { false }
            mutating func beginSnapshot(_ header: SnapshotHeader) {
                times.append(header.time)
                packets.append(0)
                rules.append(0)
            }
            mutating func endSnapshot(_ header: SnapshotHeader, partial: Bool) {}
            mutating func table(_ t: ParsedTable) {
                packets[packets.count - 1] += t.printedPackets
                rules[rules.count - 1] += t.ruleCount
            }
        }
        var series = Series()
        try CaptureParser().parse(files: [out.path], into: &series)
        let start = CivilTime.epochSeconds(year: 2026, month: 11, day: 24, hour: 10, minute: 0, second: 0) * 1_000_000_000
        #expect(series.times == [start, start + 60_000_000_000, start + 120_000_000_000])
        #expect(series.rules == Array(repeating: expected.rules, count: 3))
        #expect(series.packets.first == expected.packets)
        #expect(series.packets == series.packets.sorted())
        #expect(series.packets.first != series.packets.last)
    }
}
