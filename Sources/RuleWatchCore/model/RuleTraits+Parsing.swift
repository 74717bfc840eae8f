extension RuleTraits {
    /// Reads the traits from a rule's canonical text (`RuleIdentityNormalizer`'s form:
    /// fields apart by `0x1F`, ports and protocols as numbers).
    init(canonical: String, format: DumpFormat, target: String) {
        self.init(targetClass: TargetClass(target: target))
        let fields = canonical.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        switch format {
        case .listing where fields.count >= 9:
            protocolNumber = UInt64(fields[2]) ?? 0
            anyInInterface = fields[4] == "*"
            anySource = fields[6] == "any"
            broadDestination = fields[7] == "any" || fields[7].hasPrefix("!")
            readIptablesWords(Self.words(fields[8]))
        case .listing, .save:
            readIptablesWords(Self.words(fields.count > 2 ? fields[2] : canonical))
        case .nft:
            readNftWords(Self.words(fields.count > 2 ? fields[2] : canonical))
        case .nftJSON:
            readNftJSON(fields.count > 2 ? fields[2] : canonical)
        }
        if targetClass == .other, target == "TPROXY" || canonical.contains("TPROXY") { targetClass = .divert }
    }

    static func words(_ s: String) -> [String] {
        s.split(separator: " ").map(String.init)
    }

    /// Parses `443`, `1000:2000`, `80,443`, `1000-2000`; `nil` when a piece is not numeric.
    static func portList(_ s: String) -> [ClosedRange<Int>]? {
        var out: [ClosedRange<Int>] = []
        for piece in s.split(separator: ",") where !piece.isEmpty {
            let bounds = piece.split(whereSeparator: { $0 == ":" || $0 == "-" })
            guard let lo = Int(bounds.first ?? ""), let hi = Int(bounds.last ?? ""), lo <= hi else { return nil }
            out.append(lo...hi)
        }
        return out.isEmpty ? nil : out
    }

    private mutating func addPorts(_ ranges: [ClosedRange<Int>]?) {
        guard let ranges else { return }
        destinationPorts = (destinationPorts ?? []) + ranges
    }

    /// Listing match text and save arguments.
    private mutating func readIptablesWords(_ w: [String]) {
        var i = 0
        while i < w.count {
            let word = w[i]
            let next = i + 1 < w.count ? w[i + 1] : ""
            let negated = i > 0 && w[i - 1] == "!"
            switch word {
            case "-p", "--protocol": protocolNumber = UInt64(next) ?? protocolNumber
            case "-s", "--source", "--src": anySource = false
            case "-d", "--destination", "--dst": if !negated { broadDestination = false }
            case "-i", "--in-interface": anyInInterface = false
            case "--dport", "--destination-port", "--dports", "--destination-ports", "dports", "--ports":
                if !negated && next != "!" { addPorts(Self.portList(next)) }
            case "ports":
                if i > 0 && w[i - 1] == "multiport" && next != "!" { addPorts(Self.portList(next)) }
            case "--dst-type", "dst-type": if next == "LOCAL" { localOnly = true }
            case "--to-ports":
                divertsTo = ":" + next
            case "--to-destination", "--on-port":
                divertsTo = word == "--on-port" ? ":" + next : next
            case "redirect" where targetClass == .other || next.contains(":"):
                divertsTo = next
            default:
                if word.hasPrefix("dpt:") && !word.hasPrefix("dpt:!") {
                    addPorts(Self.portList(String(word.dropFirst(4))))
                } else if word.hasPrefix("dpts:") && !word.hasPrefix("dpts:!") {
                    addPorts(Self.portList(String(word.dropFirst(5))))
                } else if word.hasPrefix("to:") {
                    divertsTo = String(word.dropFirst(3))
                }
            }
            if word == "redir" && next == "ports", i + 2 < w.count { divertsTo = ":" + w[i + 2] }
            i += 1
        }
        if let to = divertsTo, to.hasPrefix("0.0.0.0:") { divertsTo = String(to.dropFirst(7)) }
    }

    /// nft statement words.
    private mutating func readNftWords(_ w: [String]) {
        var i = 0
        while i < w.count {
            let word = w[i]
            let next = i + 1 < w.count ? w[i + 1] : ""
            switch word {
            case "tcp" where next == "dport" || next == "sport" || next == "flags": protocolNumber = 6
            case "udp" where next == "dport" || next == "sport": protocolNumber = 17
            case "l4proto", "protocol", "nexthdr": protocolNumber = UInt64(next) ?? protocolNumber
            case "saddr": anySource = false
            case "daddr": if next != "!=" { broadDestination = false }
            case "iif", "iifname": anyInInterface = false
            case "type" where i > 1 && w[i - 1] == "daddr" && w[i - 2] == "fib": if next == "local" { localOnly = true }
            case "dport":
                if next == "!=" { break }
                if next == "{" {
                    var j = i + 2
                    var list: [String] = []
                    while j < w.count, w[j] != "}" { list.append(w[j]); j += 1 }
                    addPorts(Self.portList(list.joined()))
                } else {
                    addPorts(Self.portList(next))
                }
            case "redirect", "dnat", "tproxy":
                var j = i + 1
                while j < w.count, w[j] == "to" || w[j] == "ip" || w[j] == "ip6" { j += 1 }
                if j < w.count, j > i + 1 { divertsTo = w[j] }
            default: break
            }
            i += 1
        }
    }

    /// nft JSON expressions, read loosely: the dport values, address and interface matches,
    /// and a redirect/dnat's port.
    private mutating func readNftJSON(_ json: String) {
        if json.contains("\"saddr\"") { anySource = false }
        if json.contains("\"daddr\"") && !json.contains("\"op\":\"!=\",\"left\":{\"payload\":{\"protocol\":\"ip\",\"field\":\"daddr\"") {
            broadDestination = false
        }
        if json.contains("\"iifname\"") || json.contains("\"iif\"") { anyInInterface = false }
        if json.contains("\"protocol\":\"tcp\"") { protocolNumber = 6 } else if json.contains("\"protocol\":\"udp\"") { protocolNumber = 17 }
        if let r = json.firstRange(of: "\"field\":\"dport\"}},\"right\":") {
            var numbers = ""
            var list: [ClosedRange<Int>] = []
            for ch in json[r.upperBound...] {
                if ch.isNumber { numbers.append(ch); continue }
                if let v = Int(numbers) { list.append(v...v) }
                numbers = ""
                if ch == "}" && !json[r.upperBound...].hasPrefix("{\"set\"") { break }
                if ch == "]" { break }
            }
            if !list.isEmpty { destinationPorts = list }
        }
        for verb in ["\"redirect\":", "\"dnat\":", "\"tproxy\":"] {
            guard let r = json.firstRange(of: verb) else { continue }
            let rest = json[r.upperBound...]
            var addr = ""
            if let a = rest.firstRange(of: "\"addr\":\"") { addr = String(rest[a.upperBound...].prefix { $0 != "\"" }) }
            var port = ""
            if let p = rest.firstRange(of: "\"port\":") { port = String(rest[p.upperBound...].prefix { $0.isNumber }) }
            divertsTo = addr + (port.isEmpty ? "" : ":" + port)
        }
    }
}
