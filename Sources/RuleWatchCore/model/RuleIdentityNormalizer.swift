/// Writes a rule's identity in one canonical form and hashes it, without allocating.
///
/// The form is the rule's chain, target and text, fields apart by `0x1F`, tokens by one
/// space, each token in the form `iptables -n` prints it: `dpt:https` becomes `dpt:443`,
/// `anywhere` and `0.0.0.0/0` become `any`, `any` becomes `*`, `tcp` in the protocol column
/// becomes `6`, `icmp echo-request` becomes `icmptype 8`, TCP flag names become `0x17/0x02`.
/// Position is left out, so rules inserted above a rule do not change it. Negation (`!`)
/// stays in, so `!10.244.0.0/16` and `10.244.0.0/16` are different rules.
///
/// For a listing the columns are read from the `RuleView`'s fields; saves and nft text are
/// read token by token; nft JSON is kept as printed (nft prints it one way only).
struct RuleIdentityNormalizer {
    /// The last identity written: valid until the next `key` call.
    let out = ByteScratch()

    static let fieldSeparator: UInt8 = 0x1F

    /// The hash every rule of one table starts from.
    static func tableSeed(family: Family, table: String, format: DumpFormat) -> UInt64 {
        StableHasher.hash("\(family.rawValue)\u{1F}\(table)\u{1F}\(format.identityGroup)")
    }

    /// Writes `rule`'s canonical form into `out` and returns its hash.
    mutating func key(of rule: RuleView, format: DumpFormat, family: Family, seed: UInt64) -> UInt64 {
        out.reset()
        out.append(rule.chain)
        out.append(byte: Self.fieldSeparator)
        out.append(rule.target)
        out.append(byte: Self.fieldSeparator)
        switch format {
        case .listing:
            if let proto = rule.proto {
                listingColumns(rule, proto: proto, family: family)
            } else {
                tokens(rule.text, family: family)
            }
        case .save, .nft:
            tokens(rule.text, family: family)
        case .nftJSON:
            out.append(rule.text)
        }
        return StableHasher.hash(out.bytes, seed: seed)
    }

    /// The key of a chain's policy counter, kept as a rule of its own.
    mutating func policyKey(chain: String, policy: String, seed: UInt64) -> UInt64 {
        StableHasher.hash("\(chain)\u{1F}\(policy)\u{1F}\u{1}policy", seed: seed)
    }

    // MARK: - Listing columns

    private func listingColumns(_ rule: RuleView, proto: ByteSlice, family: Family) {
        if let n = ProtocolNames.number(proto.trimmed) { out.append(decimal: n) } else { out.append(proto.trimmed) }
        out.append(byte: Self.fieldSeparator)
        let opt = rule.opt?.trimmed ?? .empty
        if !(opt == "--") { out.append(opt) }
        out.append(byte: Self.fieldSeparator)
        interface(rule.inInterface?.trimmed ?? .empty)
        out.append(byte: Self.fieldSeparator)
        interface(rule.outInterface?.trimmed ?? .empty)
        out.append(byte: Self.fieldSeparator)
        address(rule.source?.trimmed ?? .empty, family: family)
        out.append(byte: Self.fieldSeparator)
        address(rule.destination?.trimmed ?? .empty, family: family)
        out.append(byte: Self.fieldSeparator)
        tokens(rule.match ?? .empty, family: family)
    }

    private func interface(_ s: ByteSlice) {
        if s.isEmpty || s == "any" || s == "*" { out.append(byte: ASCII.star) } else { out.append(s) }
    }

    /// `anywhere`, `0.0.0.0/0`, `::/0` as `any`; a host's `/32` or `/128` dropped;
    /// `localhost` (and Debian's `ip6-localhost`) as the loopback address.
    func address(_ s: ByteSlice, family: Family) {
        var s = s
        if s.byte(at: 0) == UInt8(ascii: "!") {
            out.append(byte: UInt8(ascii: "!"))
            s = s.dropFirst(1)
        }
        if s.isEmpty || s == "anywhere" || s == "0.0.0.0/0" || s == "::/0" || s == "0/0" {
            out.append("any")
            return
        }
        if s == "localhost" || s == "ip6-localhost" || s == "ip6-loopback" {
            out.append(family == .ip6 || !(s == "localhost") ? "::1" : "127.0.0.1")
            return
        }
        if s.hasSuffix("/32") && s.firstIndex(of: ASCII.colon) == nil {
            out.append(s.slice(0, s.count - 3))
        } else if s.hasSuffix("/128") {
            out.append(s.slice(0, s.count - 4))
        } else {
            out.append(s)
        }
    }
}

extension DumpFormat {
    /// Listings and saves of one table hash apart (their text differs anyway); the group
    /// keeps `-n` and resolved listings together.
    var identityGroup: String { rawValue }
}
