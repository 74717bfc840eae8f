/// The ICMP type names iptables prints without `-n` (`icmp echo-request`), with the type and
/// code that `-n` prints instead (`icmptype 8`, `icmptype 3 code 3`).
enum ICMPNames {
    /// type, and the code when the name stands for one code only.
    static let types: [String: (type: UInt8, code: UInt8?)] = [
        "echo-reply": (0, nil), "destination-unreachable": (3, nil), "network-unreachable": (3, 0),
        "host-unreachable": (3, 1), "protocol-unreachable": (3, 2), "port-unreachable": (3, 3),
        "fragmentation-needed": (3, 4), "source-route-failed": (3, 5), "network-unknown": (3, 6),
        "host-unknown": (3, 7), "network-prohibited": (3, 9), "host-prohibited": (3, 10),
        "TOS-network-unreachable": (3, 11), "TOS-host-unreachable": (3, 12),
        "communication-prohibited": (3, 13), "host-precedence-violation": (3, 14),
        "precedence-cutoff": (3, 15), "source-quench": (4, nil), "redirect": (5, nil),
        "network-redirect": (5, 0), "host-redirect": (5, 1), "TOS-network-redirect": (5, 2),
        "TOS-host-redirect": (5, 3), "echo-request": (8, nil), "router-advertisement": (9, nil),
        "router-solicitation": (10, nil), "time-exceeded": (11, nil), "ttl-zero-during-transit": (11, 0),
        "ttl-zero-during-reassembly": (11, 1), "parameter-problem": (12, nil), "ip-header-bad": (12, 0),
        "required-option-missing": (12, 1), "timestamp-request": (13, nil), "timestamp-reply": (14, nil),
        "address-mask-request": (17, nil), "address-mask-reply": (18, nil),
    ]
}
