/// A chain as a dump declared it, as a value of its own (`ParsedTable.chains`); a parse lends
/// its chains as `ChainView`s, which copy nothing.
public struct ChainInfo: Sendable, Hashable {
    public var name: String
    /// `ACCEPT`, `DROP`, `accept`, ...; `nil` for a user chain.
    public var policy: String?
    /// The netfilter hook a base chain is attached to, lower case (`prerouting`, `output`):
    /// iptables' built-in chains by name, nft base chains from their `hook` clause.
    public var hook: String?
    /// The policy counters (iptables' built-in chains only).
    public var packets: Counter?
    public var bytes: Counter?
    /// `(N references)` of a listing's user chain.
    public var references: Int?
    /// Where it was declared.
    public var line: Int

    public init(name: String, policy: String? = nil, hook: String? = nil, packets: Counter? = nil,
                bytes: Counter? = nil, references: Int? = nil, line: Int = 0) {
        self.name = name
        self.policy = policy
        self.hook = hook
        self.packets = packets
        self.bytes = bytes
        self.references = references
        self.line = line
    }

    /// iptables' built-in chains, whose hook is their name.
    ///
    /// Called for every chain a listing declares (thousands of user chains on a kube node):
    /// the length rules out nearly all of them before any string comparison.
    public static func builtinHook(_ name: String) -> String? {
        switch name.utf8.count {
        case 10 where name == "PREROUTING": return "prerouting"
        case 5 where name == "INPUT": return "input"
        case 7 where name == "FORWARD": return "forward"
        case 6 where name == "OUTPUT": return "output"
        case 11 where name == "POSTROUTING": return "postrouting"
        default: return nil
        }
    }

    /// `builtinHook` of a name as bytes: the hook as a literal's bytes.
    @inlinable
    public static func builtinHook(_ name: ByteSlice) -> ByteSlice? {
        switch name.count {
        case 10 where name == "PREROUTING": return ByteSlice("prerouting")
        case 5 where name == "INPUT": return ByteSlice("input")
        case 7 where name == "FORWARD": return ByteSlice("forward")
        case 6 where name == "OUTPUT": return ByteSlice("output")
        case 11 where name == "POSTROUTING": return ByteSlice("postrouting")
        default: return nil
        }
    }
}
