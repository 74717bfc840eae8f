/// Match text, saves and nft statements, token by token.
extension RuleIdentityNormalizer {
    /// What the previous token announced about the next.
    private enum Pending { case none, ports, proto, address, icmp }

    func tokens(_ text: ByteSlice, family: Family) {
        let n = text.count
        var i = 0
        var pending = Pending.none
        var inBraces = false
        var first = true
        while i < n {
            while i < n, ASCII.isBlank(text[i]) { i += 1 }
            if i == n { break }
            let start = i
            while i < n, !ASCII.isBlank(text[i]) { i += 1 }
            let tok = text.slice(start, i)
            if !first { out.append(byte: ASCII.space) }
            first = false
            switch pending {
            case .none:
                pending = plain(tok)
            case .ports:
                if tok == "!" || tok == "!=" || tok == "==" { out.append(tok); continue }
                if tok == "{" { inBraces = true; out.append(tok); continue }
                if tok == "}" { inBraces = false; pending = .none; out.append(tok); continue }
                ports(tok)
                if !inBraces { pending = .none }
            case .proto:
                if tok == "!" || tok == "!=" || tok == "==" { out.append(tok); continue }
                if let p = ProtocolNames.number(tok) { out.append(decimal: p) } else { out.append(tok) }
                pending = .none
            case .address:
                if tok == "!" { out.append(tok); continue }
                address(tok, family: family)
                pending = .none
            case .icmp:
                // `icmp` was held back: `-n` prints `icmptype 8` where names print `icmp echo-request`.
                pending = .none
                if let t = ICMPNames.types[tok.string] {
                    out.removeLast()
                    out.append("icmptype ")
                    out.append(decimal: UInt64(t.type))
                    if let c = t.code {
                        out.append(" code ")
                        out.append(decimal: UInt64(c))
                    }
                } else {
                    out.removeLast()
                    out.append("icmp ")
                    pending = plain(tok)
                }
            }
        }
        if pending == .icmp { out.append("icmp") }
    }

    /// Writes a token that nothing announced; returns what it announces.
    private func plain(_ tok: ByteSlice) -> Pending {
        switch tok[0] {
        case UInt8(ascii: "d"), UInt8(ascii: "s"):
            if tok.hasPrefix("dpt:") || tok.hasPrefix("spt:") {
                out.append(tok.slice(0, 4)); ports(tok.dropFirst(4)); return .none
            }
            if tok.hasPrefix("dpts:") || tok.hasPrefix("spts:") {
                out.append(tok.slice(0, 5)); ports(tok.dropFirst(5)); return .none
            }
            out.append(tok)
            if tok == "dports" || tok == "sports" || tok == "dport" || tok == "sport" { return .ports }
            return .none
        case UInt8(ascii: "-"):
            out.append(tok)
            if tok == "--dport" || tok == "--sport" || tok == "--dports" || tok == "--sports"
                || tok == "--destination-port" || tok == "--source-port"
                || tok == "--destination-ports" || tok == "--source-ports" || tok == "--ports" { return .ports }
            if tok == "-p" || tok == "--protocol" { return .proto }
            if tok == "-s" || tok == "-d" || tok == "--source" || tok == "--destination"
                || tok == "--src" || tok == "--dst" { return .address }
            return .none
        case UInt8(ascii: "p"):
            out.append(tok)
            if tok == "ports" { return .ports }
            if tok == "protocol" { return .proto }
            return .none
        case UInt8(ascii: "l"):
            out.append(tok)
            return tok == "l4proto" ? .proto : .none
        case UInt8(ascii: "n"):
            out.append(tok)
            return tok == "nexthdr" ? .proto : .none
        case UInt8(ascii: "f"):
            if tok.hasPrefix("flags:") { tcpFlags(tok.dropFirst(6)); return .none }
            out.append(tok)
            return .none
        case UInt8(ascii: "i"):
            if tok == "icmp" { return .icmp }
            out.append(tok)
            return .none
        default:
            out.append(tok)
            return .none
        }
    }

    /// A port, range or list (`https`, `1024:65535`, `http,https`, `80,`), names as numbers.
    private func ports(_ s: ByteSlice) {
        var i = 0
        let n = s.count
        while i < n {
            let start = i
            while i < n, s[i] != ASCII.comma, s[i] != ASCII.colon { i += 1 }
            var piece = s.slice(start, i)
            if piece.byte(at: 0) == UInt8(ascii: "!") {
                out.append(byte: UInt8(ascii: "!"))
                piece = piece.dropFirst(1)
            }
            if let b = piece.byte(at: 0), !ASCII.isDigit(b), let port = ServiceNames.ports[piece.string] {
                out.append(decimal: UInt64(port))
            } else {
                out.append(piece)
            }
            if i < n { out.append(byte: s[i]); i += 1 }
        }
    }

    /// `FIN,SYN,RST,ACK/SYN` or `0x17/0x02` as `-n` prints it: `0x17/0x02`.
    private func tcpFlags(_ s: ByteSlice) {
        out.append("flags:")
        var s = s
        if s.byte(at: 0) == UInt8(ascii: "!") {
            out.append(byte: UInt8(ascii: "!"))
            s = s.dropFirst(1)
        }
        guard let slash = s.firstIndex(of: ASCII.slash),
              let mask = Self.flagValue(s.slice(0, slash)),
              let cmp = Self.flagValue(s.dropFirst(slash + 1)) else {
            out.append(s)
            return
        }
        hexByte(mask)
        out.append(byte: ASCII.slash)
        hexByte(cmp)
    }

    private func hexByte(_ v: UInt8) {
        let digits: StaticString = "0123456789ABCDEF"
        out.append("0x")
        out.append(byte: digits.utf8Start[Int(v >> 4)])
        out.append(byte: digits.utf8Start[Int(v & 15)])
    }

    private static func flagValue(_ s: ByteSlice) -> UInt8? {
        if s.hasPrefix("0x") || s.hasPrefix("0X") {
            var v: UInt8 = 0
            for i in 2..<s.count {
                let b = s[i] | 0x20
                let d: UInt8
                if ASCII.isDigit(b) { d = b - ASCII.zero } else if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f") { d = b - UInt8(ascii: "a") + 10 } else { return nil }
                v = v &* 16 &+ d
            }
            return v
        }
        var v: UInt8 = 0
        var i = 0
        while i < s.count {
            let start = i
            while i < s.count, s[i] != ASCII.comma { i += 1 }
            let name = s.slice(start, i)
            if name == "FIN" { v |= 0x01 } else if name == "SYN" { v |= 0x02 } else if name == "RST" { v |= 0x04 }
            else if name == "PSH" { v |= 0x08 } else if name == "ACK" { v |= 0x10 } else if name == "URG" { v |= 0x20 }
            else if name == "ALL" { v |= 0x3F } else if name == "NONE" { } else { return nil }
            i += 1
        }
        return v
    }
}
