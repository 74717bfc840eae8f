import Testing
@testable import RuleWatchCore

/// Builds rolling captures of a kube-proxy-shaped nat table in every dump format, with the
/// model incident (two REDIRECTs appended to nat PREROUTING) or without it.
struct IncidentScenario {
    enum Format: CaseIterable { case listingNumeric, listingNames, listingAbbreviated, save, nft }

    var format: Format = .listingNumeric
    var snapshots = 10
    /// The first snapshot that shows the REDIRECTs; `nil` for a healthy node.
    var inject: Int? = 5
    var interval: Int64 = 60
    /// Egress success per snapshot's interval; defaults follow the incident.
    var egress: ((Int) -> (ok: Int, total: Int))?
    /// Extra rules that a snapshot shows after the REDIRECTs: (chain, rule) in the format's own text.
    var decoyDNATBurstAt: Int?
    /// A chain rewrite (counters of KUBE-SERVICES rules start from zero) at this snapshot.
    var rewriteAt: Int?
    /// KUBE-SERVICES' new connections per second (it climbs with all traffic).
    var servicesRate: UInt64 = 100
    var farOutageAt: Int?

    func egressAt(_ s: Int) -> (ok: Int, total: Int) {
        if let egress { return egress(s) }
        if let i = inject, s >= i { return (2, 60) }
        if let o = farOutageAt, s >= o { return (5, 60) }
        return (60, 60)
    }

    static let start: Int64 = 1_795_514_400 // 2026-11-24T10:00:00Z

    func time(_ s: Int) -> Int64 { Self.start + Int64(s) * interval }

    var text: String {
        var out = ""
        for s in 0..<snapshots {
            out += CivilTime.iso8601(nanoseconds: time(s) * 1_000_000_000) + "\n"
            let e = egressAt(s)
            out += "# egress ok=\(e.ok) total=\(e.total)\n"
            out += dump(s)
        }
        return out
    }

    struct Rule {
        var chain: String
        var packets: UInt64
        var target: String
        var proto: String
        var source = "any"
        var match: String
        var save: String
        var nft: String
    }

    func rules(_ s: Int) -> [Rule] {
        let since = rewriteAt.map { s >= $0 ? $0 : 0 } ?? 0
        let elapsed = UInt64(time(s) - time(since))
        let services = 5_000 * (rewriteAt != nil && s >= rewriteAt! ? 0 : 1) + servicesRate * elapsed
        var r: [Rule] = [
            Rule(chain: "PREROUTING", packets: services, target: "KUBE-SERVICES", proto: "all",
                 match: "/* kubernetes service portals */",
                 save: "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
                 nft: "counter jump KUBE-SERVICES"),
            Rule(chain: "PREROUTING", packets: 40, target: "DNAT", proto: "tcp", source: "10.0.0.0/8",
                 match: "tcp dpt:8080 to:10.244.1.7:8080",
                 save: "-A PREROUTING -s 10.0.0.0/8 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.244.1.7:8080",
                 nft: "ip saddr 10.0.0.0/8 tcp dport 8080 counter dnat to 10.244.1.7:8080"),
        ]
        let svcPackets = services / 3
        r.append(Rule(chain: "KUBE-SERVICES", packets: svcPackets, target: "KUBE-SVC-DNS", proto: "udp",
                      match: "/* kube-system/kube-dns:dns cluster IP */ udp dpt:53",
                      save: "-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment \"kube-system/kube-dns:dns cluster IP\" -m udp --dport 53 -j KUBE-SVC-DNS",
                      nft: "ip daddr 10.96.0.10 udp dport 53 counter jump KUBE-SVC-DNS"))
        r.append(Rule(chain: "KUBE-SVC-DNS", packets: svcPackets, target: "DNAT", proto: "udp",
                      match: "/* kube-system/kube-dns:dns */ udp to:10.244.0.5:53",
                      save: "-A KUBE-SVC-DNS -p udp -m comment --comment \"kube-system/kube-dns:dns\" -m udp -j DNAT --to-destination 10.244.0.5:53",
                      nft: "meta l4proto udp counter dnat to 10.244.0.5:53"))
        if let b = decoyDNATBurstAt {
            // A legitimate DNAT to a web backend, quiet until a burst.
            let p: UInt64 = s < b ? 10 : 10 + UInt64(s - b + 1) * 30_000
            r[1].packets = p
        }
        if let i = inject, s >= i {
            let n = UInt64(s - i + 1) * 234
            r.append(Rule(chain: "PREROUTING", packets: 0, target: "REDIRECT", proto: "tcp",
                          match: "tcp dpt:80 redir ports 47080",
                          save: "-A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 47080",
                          nft: "tcp dport 80 counter redirect to :47080"))
            r.append(Rule(chain: "PREROUTING", packets: n, target: "REDIRECT", proto: "tcp",
                          match: "tcp dpt:443 redir ports 47443",
                          save: "-A PREROUTING -p tcp -m tcp --dport 443 -j REDIRECT --to-ports 47443",
                          nft: "tcp dport 443 counter redirect to :47443"))
        }
        return r
    }

    func dump(_ s: Int) -> String {
        let rs = rules(s)
        let chains = ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING", "KUBE-SERVICES", "KUBE-SVC-DNS"]
        switch format {
        case .listingNumeric, .listingNames, .listingAbbreviated:
            let numeric = format == .listingNumeric
            var out = ""
            for c in chains {
                let builtin = ChainInfo.builtinHook(c) != nil
                out += builtin ? "Chain \(c) (policy ACCEPT 12 packets, 720 bytes)\n" : "Chain \(c) (1 references)\n"
                out += " pkts bytes target     prot opt in     out     source               destination\n"
                for r in rs where r.chain == c {
                    let proto = numeric ? (r.proto == "all" ? "0" : r.proto == "tcp" ? "6" : "17") : r.proto
                    let any = numeric ? "*" : "any"
                    let addr = r.source == "any" ? (numeric ? "0.0.0.0/0" : "anywhere") : r.source
                    let dst = numeric ? "0.0.0.0/0" : "anywhere"
                    var match = r.match
                    if !numeric {
                        match = match.replacingAll("dpt:443", "dpt:https").replacingAll("dpt:80 ", "dpt:http ")
                            .replacingAll("dpt:53", "dpt:domain").replacingAll("dpt:8080", "dpt:http-alt")
                    }
                    let pk = format == .listingAbbreviated ? Self.abbreviate(r.packets) : String(r.packets)
                    let by = format == .listingAbbreviated ? Self.abbreviate(r.packets * 60) : String(r.packets * 60)
                    out += " \(pk) \(by) \(r.target)  \(proto)  --  \(any)  \(any)  \(addr)  \(dst)  \(match)\n"
                }
                out += "\n"
            }
            return out
        case .save:
            var out = "*nat\n"
            for c in chains {
                out += ChainInfo.builtinHook(c) != nil ? ":\(c) ACCEPT [12:720]\n" : ":\(c) - [0:0]\n"
            }
            for r in rs { out += "[\(r.packets):\(r.packets * 60)] \(r.save)\n" }
            return out + "COMMIT\n"
        case .nft:
            var out = "table ip nat {\n"
            for c in chains {
                out += "\tchain \(c) {\n"
                if let hook = ChainInfo.builtinHook(c) {
                    out += "\t\ttype nat hook \(hook) priority dstnat; policy accept;\n"
                }
                for r in rs where r.chain == c {
                    out += "\t\t" + r.nft.replacingAll("counter", "counter packets \(r.packets) bytes \(r.packets * 60)") + "\n"
                }
                out += "\t}\n"
            }
            return out + "}\n"
        }
    }

    /// As xtables prints a count without `-x`.
    static func abbreviate(_ v: UInt64) -> String {
        var n = v
        var unit = ""
        for u in ["K", "M", "G", "T"] {
            guard n > 99_999 || (unit != "" && n > 9_999) else { break }
            n = (n + 500) / 1000
            unit = u
            if n <= 9_999 { break }
        }
        return "\(n)\(unit)"
    }

    /// Parses the capture into a history.
    func history() throws -> CaptureHistory {
        var h = CaptureHistory()
        try CaptureParser().parse(bytes: Array(text.utf8), name: "capture.txt", into: &h)
        return h
    }
}

extension String {
    func replacingAll(_ a: String, _ b: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: a) {
            out += rest[..<r.lowerBound] + b
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

@Suite struct DetectorFixtureTests {
    @Test func abbreviationFollowsXtables() {
        #expect(IncidentScenario.abbreviate(99_999) == "99999")
        #expect(IncidentScenario.abbreviate(445_000) == "445K")
        #expect(IncidentScenario.abbreviate(146_999_999) == "147M")
    }
}
