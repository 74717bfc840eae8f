/// One declared chain as a scanner stored it: its words are ranges in the table's arena.
///
/// A kube node's table declares 12,000 chains, and a cron capture declares them again in
/// every snapshot. As `ChainInfo` values each chain took a `String` name (found again among
/// the last table's, or allocated), a reference counted in and out and an array slot
/// checked for uniqueness: about a third of what storing an iptables-save table's rules
/// cost beyond counting them. Here a chain is its bytes copied once and a plain record.
public struct _ChainRecord: Sendable, BitwiseCopyable {
    public var name: ArenaRange
    /// Empty: none (a user chain).
    public var policy: ArenaRange
    /// Empty: none.
    public var hook: ArenaRange
    public var packets: Counter?
    public var bytes: Counter?
    /// `(N references)`; -1: not printed.
    public var references: Int32
    public var line: Int32

    @inlinable
    public init(name: ArenaRange, policy: ArenaRange = .empty, hook: ArenaRange = .empty, packets: Counter? = nil,
                bytes: Counter? = nil, references: Int32 = -1, line: Int32) {
        self.name = name; self.policy = policy; self.hook = hook
        self.packets = packets; self.bytes = bytes; self.references = references; self.line = line
    }
}

/// A chain lent by `ParsedTable.forEachChain`: its words point into the arena and must not
/// escape the body. `info` copies it out as a `ChainInfo`.
public struct ChainView {
    @usableFromInline let recordAddress: UnsafePointer<_ChainRecord>
    @usableFromInline let raw: UnsafeRawPointer?

    @inlinable
    init(record: UnsafePointer<_ChainRecord>, raw: UnsafeRawBufferPointer) {
        recordAddress = record
        self.raw = raw.baseAddress
    }

    @inlinable
    var record: _ChainRecord { unsafeAddress { recordAddress } }

    @inlinable public var name: ByteSlice { record.name.slice(in: raw) }
    /// `ACCEPT`, `DROP`, `accept`, ...; empty for a user chain.
    @inlinable public var policy: ByteSlice { record.policy.slice(in: raw) }
    /// The netfilter hook, lower case; empty when none (see `ChainInfo.hook`).
    @inlinable public var hook: ByteSlice { record.hook.slice(in: raw) }
    @inlinable public var packets: Counter? { record.packets }
    @inlinable public var bytes: Counter? { record.bytes }
    @inlinable public var references: Int? { record.references < 0 ? nil : Int(record.references) }
    @inlinable public var line: Int { Int(record.line) }

    /// The chain as a value of its own.
    public var info: ChainInfo {
        let policy = self.policy, hook = self.hook
        return ChainInfo(name: name.string, policy: policy.isEmpty ? nil : policy.string,
                         hook: hook.isEmpty ? nil : hook.string, packets: packets, bytes: bytes,
                         references: references, line: line)
    }
}
