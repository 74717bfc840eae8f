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

    /// iptables' built-in chains in the order iptables lists them (`PREROUTING` 0, `INPUT` 1,
    /// `FORWARD` 2, `OUTPUT` 3, `POSTROUTING` 4); `nil` for a user chain.
    ///
    /// Called for every chain a listing declares (thousands of user chains on a kube node):
    /// the length rules out nearly all of them before any comparison.
    @inlinable
    public static func builtinIndex(_ name: ByteSlice) -> Int? {
        switch name.count {
        case 5 where name == "INPUT": return 1
        case 6 where name == "OUTPUT": return 3
        case 7 where name == "FORWARD": return 2
        case 10 where name == "PREROUTING": return 0
        case 11 where name == "POSTROUTING": return 4
        default: return nil
        }
    }

    /// The hook of the built-in chain `builtinIndex` numbers `k`, as a literal's bytes.
    @inlinable
    public static func builtinHook(index k: Int) -> ByteSlice {
        switch k {
        case 0: return ByteSlice("prerouting")
        case 1: return ByteSlice("input")
        case 2: return ByteSlice("forward")
        case 3: return ByteSlice("output")
        default: return ByteSlice("postrouting")
        }
    }

    /// iptables' built-in chains, whose hook is their name, lower case.
    @inlinable
    public static func builtinHook(_ name: ByteSlice) -> ByteSlice? {
        builtinIndex(name).map(builtinHook(index:))
    }

    /// `builtinHook` of a name kept as a `String`.
    public static func builtinHook(_ name: String) -> String? {
        var name = name
        return name.withUTF8 { builtinHook(ByteSlice(UnsafeRawBufferPointer($0)))?.string }
    }
}
