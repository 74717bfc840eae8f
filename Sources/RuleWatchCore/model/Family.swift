/// The address family a table belongs to, named as nft names it.
public enum Family: String, Sendable, Hashable, CaseIterable, Codable {
    case ip, ip6, inet, arp, bridge, netdev

    /// Reads an nft family keyword (`ip`, `ip6`, `inet`, ...); `nil` for anything else.
    public init?(keyword: ByteSlice) {
        switch keyword.count {
        case 2 where keyword == "ip": self = .ip
        case 3 where keyword == "ip6": self = .ip6
        case 3 where keyword == "arp": self = .arp
        case 4 where keyword == "inet": self = .inet
        case 6 where keyword == "bridge": self = .bridge
        case 6 where keyword == "netdev": self = .netdev
        default: return nil
        }
    }
}

/// Which kind of dump a table came from; decides how its rules' text reads.
public enum DumpFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// `iptables -L -v` / `ip6tables -L -v`. Rule text: the columns from `prot` on, one
    /// space apart, then the match text: `tcp -- any any anywhere anywhere tcp dpt:https`.
    case listing
    /// `iptables-save [-c]`. Rule text: the `-A CHAIN ...` line without its `[p:b]` prefix.
    case save
    /// `nft list ruleset`. Rule text: the statement line with the counter's values and the
    /// `# handle N` comment taken out: `tcp dport 443 counter redirect to :47443`.
    case nft
    /// `nft -j list ruleset`. Rule text: the rule's `expr` array as compact JSON, the
    /// anonymous counter's values taken out.
    case nftJSON = "nft-json"
}
