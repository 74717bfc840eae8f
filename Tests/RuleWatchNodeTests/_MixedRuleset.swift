import Foundation

/// A node's firewall as iptables-nft, native nft, ebtables-nft and arptables-nft leave it side
/// by side (and, when asked, legacy iptables too), each rule with counters of its own so a
/// rule taken twice or lost shows in the totals.
///
/// The rules are data: the test loads them into its namespace from here and checks the
/// capture against the same list.
struct MixedRuleset {
    enum Backend: String { case iptablesNft, ip6tablesNft, iptablesLegacy, nft, ebtables, arptables }

    struct Rule: Hashable {
        var backend: Backend
        var family: String
        var table: String
        var chain: String
        /// iptables-restore's `-A` line after the chain, or an nft statement, or an
        /// ebtables/arptables rule.
        var spec: String
        var packets: UInt64
        var bytes: UInt64 { packets * 60 }
    }

    static let rules: [Rule] = [
        Rule(backend: .iptablesNft, family: "ip", table: "filter", chain: "INPUT", spec: "-j KUBE-FIREWALL", packets: 101),
        Rule(backend: .iptablesNft, family: "ip", table: "filter", chain: "INPUT", spec: "-p tcp -m tcp --dport 22 -j ACCEPT", packets: 102),
        Rule(backend: .iptablesNft, family: "ip", table: "filter", chain: "KUBE-FIREWALL", spec: "-m comment --comment \"kube firewall\" -j RETURN", packets: 103),
        Rule(backend: .iptablesNft, family: "ip", table: "nat", chain: "PREROUTING", spec: "-p tcp -m tcp --dport 80 -j REDIRECT --to-ports 47080", packets: 104),
        Rule(backend: .iptablesNft, family: "ip", table: "nat", chain: "PREROUTING", spec: "-p tcp -m tcp --dport 443 -j REDIRECT --to-ports 47443", packets: 105),
        Rule(backend: .iptablesNft, family: "ip", table: "nat", chain: "POSTROUTING", spec: "-s 10.244.0.0/16 -j MASQUERADE", packets: 106),
        Rule(backend: .iptablesNft, family: "ip", table: "mangle", chain: "OUTPUT", spec: "-p udp -m udp --dport 53 -j MARK --set-xmark 0x1/0xffffffff", packets: 107),
        // ip6tables-nft 1.8.9 loads every rule with zero counters, whatever it is given.
        Rule(backend: .ip6tablesNft, family: "ip6", table: "filter", chain: "INPUT", spec: "-p ipv6-icmp -j ACCEPT", packets: 0),
        Rule(backend: .ip6tablesNft, family: "ip6", table: "filter", chain: "OUTPUT", spec: "-p tcp -m tcp --dport 443 -j ACCEPT", packets: 0),
        Rule(backend: .nft, family: "inet", table: "mine", chain: "out", spec: "tcp dport 443 counter packets 301 bytes 18060 accept", packets: 301),
        Rule(backend: .nft, family: "inet", table: "mine", chain: "out", spec: "counter packets 302 bytes 18120", packets: 302),
        Rule(backend: .nft, family: "ip", table: "natlike", chain: "c", spec: "counter packets 303 bytes 18180", packets: 303),
        Rule(backend: .ebtables, family: "bridge", table: "filter", chain: "FORWARD", spec: "-c 401 24060 -j ACCEPT", packets: 401),
        Rule(backend: .arptables, family: "arp", table: "filter", chain: "OUTPUT", spec: "-c 501 30060 -j ACCEPT", packets: 501),
    ]

    /// Legacy tables: `filter` has iptables-nft's name, `raw` is legacy's alone.
    static let legacyRules: [Rule] = [
        Rule(backend: .iptablesLegacy, family: "ip", table: "filter", chain: "INPUT", spec: "-s 192.0.2.1/32 -j DROP", packets: 601),
        Rule(backend: .iptablesLegacy, family: "ip", table: "raw", chain: "PREROUTING", spec: "-p udp -m udp --dport 4789 -j ACCEPT", packets: 602),
    ]

    /// Loads `rules` into `ns`: the nft-backed tools by their `-nft` names, so that what
    /// `iptables` means on this machine does not matter.
    static func load(_ rules: [Rule], into ns: TestNetns) throws {
        for (backend, tool) in [(Backend.iptablesNft, "iptables-nft-restore"), (.ip6tablesNft, "ip6tables-nft-restore"),
                                (.iptablesLegacy, "iptables-legacy-restore")] {
            let mine = rules.filter { $0.backend == backend }
            if !mine.isEmpty { try ns.check(tool, ["--counters"], stdin: restoreText(mine)) }
        }
        let native = rules.filter { $0.backend == .nft }
        if !native.isEmpty { try ns.check("nft", ["-f", "-"], stdin: nftText(native)) }
        for rule in rules where rule.backend == .ebtables {
            try ns.check("ebtables-nft", ["-A", rule.chain] + rule.spec.split(separator: " ").map(String.init))
        }
        for rule in rules where rule.backend == .arptables {
            try ns.check("arptables-nft", ["-A", rule.chain] + rule.spec.split(separator: " ").map(String.init))
        }
    }

    /// `iptables-restore --counters` input: every chain a rule uses, builtin or not.
    static func restoreText(_ rules: [Rule]) -> String {
        let builtin: Set<String> = ["INPUT", "FORWARD", "OUTPUT", "PREROUTING", "POSTROUTING"]
        var text = ""
        var tables: [String] = []
        for r in rules where !tables.contains(r.table) { tables.append(r.table) }
        for table in tables {
            let mine = rules.filter { $0.table == table }
            text += "*\(table)\n"
            var chains: [String] = []
            for r in mine {
                if !chains.contains(r.chain) { chains.append(r.chain) }
                // A jump target is a chain too.
                if let j = r.spec.range(of: "-j ") {
                    let target = r.spec[j.upperBound...].split(separator: " ").first.map(String.init) ?? ""
                    if target.hasPrefix("KUBE-"), !chains.contains(target) { chains.append(target) }
                }
            }
            for chain in chains where !builtin.contains(chain) { text += ":\(chain) - [0:0]\n" }
            for r in mine { text += "[\(r.packets):\(r.bytes)] -A \(r.chain) \(r.spec)\n" }
            text += "COMMIT\n"
        }
        return text
    }

    /// `nft -f` input: each table's chains in order, a hooked `out` chain, the rest plain.
    static func nftText(_ rules: [Rule]) -> String {
        var text = ""
        var tables: [String] = []
        for r in rules where !tables.contains("\(r.family) \(r.table)") { tables.append("\(r.family) \(r.table)") }
        for table in tables {
            let mine = rules.filter { "\($0.family) \($0.table)" == table }
            text += "table \(table) {\n"
            var chains: [String] = []
            for r in mine where !chains.contains(r.chain) { chains.append(r.chain) }
            for chain in chains {
                text += "\tchain \(chain) {\n"
                if chain == "out" { text += "\t\ttype filter hook output priority 10; policy accept;\n" }
                for r in mine where r.chain == chain { text += "\t\t\(r.spec)\n" }
                text += "\t}\n"
            }
            text += "}\n"
        }
        return text
    }
}
