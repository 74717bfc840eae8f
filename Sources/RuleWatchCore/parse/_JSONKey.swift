/// The object keys of `nft -j` output the scanner acts on; any other key is `.other`.
enum _JSONKey: UInt8 {
    case other
    case nftables
    // Item kinds.
    case table, chain, rule
    // Body fields.
    case family, name, hook, policy, expr, handle
    // Statements and their fields.
    case counter, packets, bytes, jump, goto, target, xt, type, vmap, data
    // Verdict-like statements, whose key is the rule's target: keep them last.
    case accept, drop, `return`, `continue`, queue, reject, redirect, dnat, snat, masquerade, tproxy

    /// A statement that names the rule's target by its key.
    var isVerdict: Bool { rawValue >= _JSONKey.accept.rawValue }

    init(_ s: ByteSlice) {
        switch s.count {
        case 2:
            self = s == "xt" ? .xt : .other
        case 4:
            if s == "rule" { self = .rule } else if s == "name" { self = .name } else if s == "expr" { self = .expr }
            else if s == "type" { self = .type } else if s == "jump" { self = .jump } else if s == "goto" { self = .goto }
            else if s == "drop" { self = .drop } else if s == "hook" { self = .hook } else if s == "dnat" { self = .dnat }
            else if s == "snat" { self = .snat } else if s == "vmap" { self = .vmap } else if s == "data" { self = .data }
            else { self = .other }
        case 5:
            if s == "table" { self = .table } else if s == "chain" { self = .chain } else if s == "bytes" { self = .bytes }
            else if s == "queue" { self = .queue } else { self = .other }
        case 6:
            if s == "family" { self = .family } else if s == "accept" { self = .accept } else if s == "target" { self = .target }
            else if s == "policy" { self = .policy } else if s == "return" { self = .return } else if s == "reject" { self = .reject }
            else if s == "tproxy" { self = .tproxy } else if s == "handle" { self = .handle } else { self = .other }
        case 7:
            if s == "counter" { self = .counter } else if s == "packets" { self = .packets } else { self = .other }
        case 8:
            if s == "nftables" { self = .nftables } else if s == "continue" { self = .continue }
            else if s == "redirect" { self = .redirect } else { self = .other }
        case 10:
            self = s == "masquerade" ? .masquerade : .other
        default:
            self = .other
        }
    }
}
