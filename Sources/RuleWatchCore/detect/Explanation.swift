/// Sentences that say what a rule does to which traffic, for a person.
enum Explanation {
    /// `Redirects new TCP connections to port 443 arriving at the node (from pods and other
    /// hosts) to local port 47443.`, plus why the node itself looked healthy when it sits in
    /// PREROUTING.
    static func action(_ r: HistoryRule, chain: HistoryChain, table: HistoryTable, targetClass: TargetClass) -> String {
        let t = r.traits
        let traffic = trafficPhrase(t, firstPacketOnly: countsConnections(r, table: table))
        let place = placePhrase(chain)
        let verb = r.target.uppercased()
        var s: String
        switch verb {
        case "REDIRECT":
            s = "Redirects \(traffic) \(place) to the node's own \(portPhrase(t.divertsTo))"
        case "DNAT":
            s = "Rewrites the destination of \(traffic) \(place) to \(t.divertsTo ?? "another address")"
        case "TPROXY":
            s = "Hands \(traffic) \(place) to a local transparent proxy on \(portPhrase(t.divertsTo))"
        case "DROP":
            s = r.isPolicy ? "Drops (as the chain's policy) all traffic \(place) that no rule accepted" : "Drops \(traffic) \(place)"
        case "REJECT":
            s = "Rejects \(traffic) \(place)"
        default:
            switch targetClass {
            case .jump: s = "Sends \(traffic) \(place) on to chain \(r.target)"
            case .accept: s = r.isPolicy ? "Counts traffic \(place) that no rule decided on" : "Lets \(traffic) \(place) through"
            default: s = r.target.isEmpty ? "Counts \(traffic) \(place)" : "Applies \(r.target) to \(traffic) \(place)"
            }
        }
        s += "."
        if chain.hook == "prerouting" && targetClass.isHarmful {
            s += " PREROUTING does not see the node's own connections (they pass OUTPUT), which is why the node itself looked healthy."
        }
        return s
    }

    /// nat chains see only a connection's first packet, so their counters count connections.
    static func countsConnections(_ r: HistoryRule, table: HistoryTable) -> Bool {
        if table.format.isNft { return ["redirect", "dnat", "snat", "masquerade"].contains(r.target.lowercased()) }
        return table.name == "nat"
    }

    /// `234 packets of 60 bytes are 234 new connections (SYNs)` for a nat rule.
    static func packetsMeaning(packets: UInt64, bytes: UInt64, connections: Bool) -> String {
        guard connections, packets > 0 else { return "" }
        let each = bytes / packets
        let syn = each > 0 && each <= 80 ? " (\(each) bytes each: SYNs)" : ""
        return " nat sees only a connection's first packet, so its \(packets) packets are \(packets) new connections\(syn)."
    }

    static func trafficPhrase(_ t: RuleTraits, firstPacketOnly: Bool) -> String {
        let proto: String
        switch t.protocolNumber {
        case 0: proto = ""
        case 6: proto = "TCP "
        case 17: proto = "UDP "
        default: proto = ProtocolNames.name(t.protocolNumber) + " "
        }
        let noun = firstPacketOnly && t.protocolNumber == 6 ? "new \(proto)connections" : "\(proto)traffic"
        var s: String
        if let ports = t.destinationPorts {
            let list = ports.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            s = "\(noun) to port\(list.count == 1 && ports[0].count == 1 ? "" : "s") \(list.joined(separator: ", "))"
        } else {
            s = t.protocolNumber == 0 ? "all \(firstPacketOnly ? "new connections" : "traffic")" : "all \(noun)"
        }
        if !t.anySource { s += " from the sources it names" }
        if !t.anyInInterface { s += " on the interfaces it names" }
        if !t.broadDestination { s += " to the destinations it names" }
        return s
    }

    static func placePhrase(_ chain: HistoryChain) -> String {
        switch chain.hook {
        case "prerouting": return "arriving at the node (from pods and other hosts)"
        case "output": return "that the node itself sends"
        case "forward": return "forwarded through the node (pods' traffic)"
        case "input": return "addressed to the node itself"
        case "postrouting": return "leaving the node"
        default: return "reaching chain \(chain.name)"
        }
    }

    static func portPhrase(_ to: String?) -> String {
        guard let to else { return "port" }
        if to.hasPrefix(":") { return "port \(to.dropFirst())" }
        return to
    }

    static func percent(_ v: Double?) -> String {
        guard let v else { return "?" }
        return "\(Int((v * 100).rounded()))%"
    }

    static func clock(_ ns: Int64?) -> String {
        guard let ns else { return "an unknown time" }
        return CivilTime.iso8601(nanoseconds: ns)
    }
}
