import RuleWatchCore
import RuleWatchNode
import Testing

/// Cutting real `iptables-save -c` output into tables.
@Suite("save dumps cut into tables")
struct SaveDumpKernelTests {
    @Test func aTableLeftOutGoesWholeAndTheRestParsesAsBefore() throws {
        let ns = try TestNetns("save")
        defer { ns.remove() }
        let iptables = MixedRuleset.rules.filter { $0.backend == .iptablesNft }
        try MixedRuleset.load(iptables, into: ns)
        let output = Array(try ns.check("iptables-nft-save", ["-c"]).stdout.utf8)
        let dump = SaveDump(output: output, family: .ip)
        #expect(dump.isNfTables)
        #expect(Set(dump.tables) == [NodeTable(.ip, "filter"), NodeTable(.ip, "nat"), NodeTable(.ip, "mangle")])
        #expect(dump.bytes() == output, "cutting and joining again changes nothing")

        let withoutNat = String(decoding: dump.bytes(dropping: ["nat"]), as: UTF8.self)
        let (capture, warnings) = try CaptureRules.parse(withoutNat)
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(capture.of("ip", "nat").isEmpty)
        #expect(capture.rules.count == iptables.filter { $0.table != "nat" }.count)
        #expect(!withoutNat.contains("*nat") && !withoutNat.contains("REDIRECT"))
    }
}
