/// IP protocol numbers for the names iptables and nft print, so that `tcp` and `6`, `all`
/// and `0` read as one protocol.
enum ProtocolNames {
    /// The number a protocol column or `-p` argument stands for; `nil` for an unknown name.
    static func number(_ s: ByteSlice) -> UInt64? {
        guard let first = s.byte(at: 0) else { return nil }
        if ASCII.isDigit(first) { return s.decimal }
        switch s.count {
        case 2: if s == "ah" { return 51 }
        case 3:
            if s == "tcp" { return 6 }
            if s == "udp" { return 17 }
            if s == "all" { return 0 }
            if s == "esp" { return 50 }
            if s == "gre" { return 47 }
            if s == "pim" { return 103 }
            if s == "ALL" { return 0 }
        case 4:
            if s == "icmp" { return 1 }
            if s == "igmp" { return 2 }
            if s == "sctp" { return 132 }
            if s == "vrrp" { return 112 }
            if s == "ospf" { return 89 }
            if s == "ipv6" { return 41 }
            if s == "l2tp" { return 115 }
        case 6:
            if s == "icmpv6" { return 58 }
        case 7:
            if s == "udplite" { return 136 }
            if s == "ipencap" { return 4 }
        case 9:
            if s == "ipv6-icmp" { return 58 }
        default: break
        }
        return nil
    }

    /// The name rulewatch shows for a protocol number.
    static func name(_ number: UInt64) -> String {
        switch number {
        case 0: return "all"
        case 1: return "icmp"
        case 6: return "tcp"
        case 17: return "udp"
        case 58: return "icmpv6"
        case 132: return "sctp"
        default: return String(number)
        }
    }
}
