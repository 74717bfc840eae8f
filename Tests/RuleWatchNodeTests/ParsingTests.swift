import RuleWatchCore
import RuleWatchNode
import Testing

/// The small readers behind collect: endpoints, namespaces, `iptables -V`, `nft list tables`.
@Suite("collect's readers")
struct ParsingTests {
    @Test func endpointsReadHostsAddressesAndBracketedIPv6() throws {
        let list = try ProbeEndpoint.parseList("10.96.0.1:443, example.com:80,[2001:db8::1]:8443")
        #expect(list == [ProbeEndpoint(host: "10.96.0.1", port: 443), ProbeEndpoint(host: "example.com", port: 80),
                         ProbeEndpoint(host: "2001:db8::1", port: 8443)])
        #expect(list[2].description == "[2001:db8::1]:8443")
    }

    @Test(arguments: ["10.0.0.1", "10.0.0.1:0", "10.0.0.1:65536", ":80", "2001:db8::1:443", "[2001:db8::1]443", ","])
    func badEndpointsAreRefused(_ text: String) {
        #expect(throws: ProbeError.self) { try ProbeEndpoint.parseList(text) }
    }

    @Test func namespacesAreNamesPidsOrPaths() throws {
        #expect(try ProbeNamespace(parsing: "cni-1234").path == "/var/run/netns/cni-1234")
        #expect(try ProbeNamespace(parsing: "4242").path == "/proc/4242/ns/net")
        #expect(try ProbeNamespace(parsing: "/run/netns/x").path == "/run/netns/x")
        #expect(throws: ProbeError.self) { try ProbeNamespace(parsing: "../etc") }
        #expect(throws: ProbeError.self) { try ProbeNamespace(parsing: "0") }
    }

    @Test func iptablesVersionTellsTheBackend() {
        #expect(IptablesBackend(versionOutput: "iptables v1.8.9 (nf_tables)\n") == .nfTables)
        #expect(IptablesBackend(versionOutput: "iptables v1.8.9 (legacy)\n") == .legacy)
        #expect(IptablesBackend(versionOutput: "iptables v1.6.1\n") == .legacy)
        #expect(IptablesBackend(versionOutput: "something else\n") == nil)
    }

    @Test func nftTableListIgnoresTrailingComments() {
        let tables = NodeTable.parseNftList(Array("table ip nat\ntable inet mine # progname kube-proxy\ntable bogus x\n\ntable arp filter\n".utf8))
        #expect(tables == [NodeTable(.ip, "nat"), NodeTable(.inet, "mine"), NodeTable(.arp, "filter")])
        #expect(tables[0].isXtablesShaped && !tables[1].isXtablesShaped && !tables[2].isXtablesShaped)
    }
}
