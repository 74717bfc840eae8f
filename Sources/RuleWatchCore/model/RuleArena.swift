/// The rules and chains of one table, their text packed into one byte buffer.
///
/// A scanner appends each rule's pieces with `write(_:)` and closes it with `append(_:)`;
/// a consumer walks them with `forEach`, whose `RuleView`s point into the buffer and must not
/// escape the body. Declared chains are kept the same way (`appendChain`, `forEachChain`).
/// One buffer and two record arrays per table, reused from table to table, keep the parser
/// from allocating per rule or per chain. A scanner that knows a rule's size up front
/// writes its pieces through `write(reserving:_:)`, one capacity check for all of them.
public struct RuleArena: Sendable {
    @usableFromInline var bytes = _ArenaBytes()
    @usableFromInline var records = _RecordBuffer<_RuleRecord>()
    @usableFromInline var chainRecords = _RecordBuffer<_ChainRecord>()

    public init() {}

    public var count: Int { records.count }
    public var isEmpty: Bool { records.count == 0 }
    /// Declared chains stored (`ParsedTable.chainCount` counts them even when none are).
    public var chainCount: Int { chainRecords.count }

    /// Where the next `write` lands; a field is `mark..<arena.mark` after writing it.
    @inlinable public var mark: Int32 { Int32(truncatingIfNeeded: bytes.count) }

    @inlinable
    public mutating func write(_ slice: ByteSlice) {
        bytes.append(contentsOf: slice.base)
    }

    @inlinable
    public mutating func write(byte: UInt8) { bytes.append(byte) }

    /// Writes `slice` and returns where it landed.
    @inlinable
    public mutating func store(_ slice: ByteSlice) -> ArenaRange {
        let start = mark
        write(slice)
        return ArenaRange(start: start, end: mark)
    }

    /// Lends `body` a writer with room for `capacity` bytes at `mark`: the pieces of one rule
    /// written with one capacity check between them. Writing past `capacity` traps.
    @inlinable @inline(__always)
    public mutating func write<R>(reserving capacity: Int, _ body: (inout ArenaWriter) throws -> R) rethrows -> R {
        var writer = ArenaWriter(start: bytes.reserve(capacity), capacity: capacity, origin: mark)
        defer { bytes.commit(writer.count) }
        return try body(&writer)
    }

    @inlinable @inline(__always)
    public mutating func append(_ record: _RuleRecord) { records.append(record) }

    @inlinable @inline(__always)
    public mutating func appendChain(_ record: _ChainRecord) { chainRecords.append(record) }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        records.removeAll()
        chainRecords.removeAll()
    }

    /// Lends each rule, in dump order, to `body`.
    public func forEach(_ body: (RuleView) throws -> Void) rethrows {
        try bytes.withUnsafeBytes { raw in
            try records.withUnsafeBufferPointer { records in
                guard let first = records.baseAddress else { return }
                for i in 0..<records.count {
                    try body(RuleView(record: first + i, raw: raw))
                }
            }
        }
    }

    /// Lends each declared chain, in dump order, to `body`.
    public func forEachChain(_ body: (ChainView) throws -> Void) rethrows {
        try withChainRecords { raw, chains in
            guard let first = chains.baseAddress else { return }
            for i in 0..<chains.count { try body(ChainView(record: first + i, raw: raw)) }
        }
    }

    func withChainRecords<R>(_ body: (UnsafeRawBufferPointer, UnsafeBufferPointer<_ChainRecord>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in try chainRecords.withUnsafeBufferPointer { try body(raw, $0) } }
    }

    /// Lends the chain records to change in place (a hook or policy read after the chain's
    /// own line, a chain renamed).
    mutating func withMutableChainRecords<R>(_ body: (UnsafeMutableBufferPointer<_ChainRecord>) throws -> R) rethrows -> R {
        try chainRecords.withUnsafeMutableBufferPointer(body)
    }

    /// Lends the buffer and the records as they are, for a consumer that reads only some
    /// fields of each rule (`RuleView` fills in all of them).
    func withRecords<R>(_ body: (UnsafeRawBufferPointer, UnsafeBufferPointer<_RuleRecord>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in try records.withUnsafeBufferPointer { try body(raw, $0) } }
    }
}

/// `start..<end` in a `RuleArena`'s buffer.
public struct ArenaRange: Sendable, Hashable, BitwiseCopyable {
    public var start: Int32
    public var end: Int32
    @inlinable public init(start: Int32, end: Int32) { self.start = start; self.end = end }
    public static let empty = ArenaRange(start: 0, end: 0)
    /// A save rule's target: in its text, found when asked for (`SaveRuleTarget`).
    public static let inSaveText = ArenaRange(start: -1, end: -1)
    /// An nft rule's verdict: in its text, found when asked for (`NftRuleVerdict`).
    public static let inNftText = ArenaRange(start: -2, end: -2)

    /// Its bytes in the arena buffer that starts at `raw`.
    @inlinable @inline(__always)
    func slice(in raw: UnsafeRawPointer?) -> ByteSlice {
        guard let raw else { return .empty }
        return ByteSlice(UnsafeRawBufferPointer(start: raw + Int(start), count: Int(end - start)))
    }
}

/// A listing rule's columns, as ranges in the arena (each a sub-range of the rule's text).
public struct ListingColumns: Sendable, Hashable, BitwiseCopyable {
    public var proto, opt, inInterface, outInterface, source, destination, match: ArenaRange
    public init(proto: ArenaRange, opt: ArenaRange, inInterface: ArenaRange, outInterface: ArenaRange,
                source: ArenaRange, destination: ArenaRange, match: ArenaRange) {
        self.proto = proto; self.opt = opt; self.inInterface = inInterface; self.outInterface = outInterface
        self.source = source; self.destination = destination; self.match = match
    }
}

/// One rule as a scanner stored it. Public so scanners in other files can build it.
public struct _RuleRecord: Sendable, BitwiseCopyable {
    public var chain: ArenaRange
    public var target: ArenaRange
    public var text: ArenaRange
    public var columns: ListingColumns?
    /// nft's rule handle (`# handle N` with `nft -a`, JSON's `"handle"`); 0: none printed.
    /// Declared here, it takes the padding after `columns` and the record stays 160 bytes.
    public var handle: UInt32
    public var packets: Counter?
    public var bytes: Counter?
    /// 1-based position in its chain.
    public var position: Int32
    /// The line it began on.
    public var line: Int32
    /// A named counter object (nft `counter c1 { ... }`), not a rule.
    public var isObject: Bool

    public init(chain: ArenaRange, target: ArenaRange, text: ArenaRange, columns: ListingColumns? = nil,
                packets: Counter?, bytes: Counter?, position: Int32, line: Int32, isObject: Bool = false,
                handle: UInt32 = 0) {
        self.chain = chain; self.target = target; self.text = text; self.columns = columns; self.handle = handle
        self.packets = packets; self.bytes = bytes; self.position = position; self.line = line
        self.isObject = isObject
    }
}

/// A rule lent by `RuleArena.forEach`: its fields point into the arena.
///
/// Each field is read from the record when asked for: a consumer that reads two fields of
/// each rule (a count of them, a text to compare) pays for two. The view points at its
/// record, which stays where it is: a copy of the 160-byte record for each rule lent was a
/// `memmove` per rule.
public struct RuleView {
    @usableFromInline let recordAddress: UnsafePointer<_RuleRecord>
    @usableFromInline let raw: UnsafeRawPointer?

    @inlinable
    init(record: UnsafePointer<_RuleRecord>, raw: UnsafeRawBufferPointer) {
        recordAddress = record
        self.raw = raw.baseAddress
    }

    @inlinable
    var record: _RuleRecord { unsafeAddress { recordAddress } }

    @inlinable @inline(__always)
    func slice(_ range: ArenaRange) -> ByteSlice { range.slice(in: raw) }

    @inlinable public var chain: ByteSlice { slice(record.chain) }
    /// The jump or verdict: `REDIRECT`, `KUBE-SVC-X`, nft `accept` / `redirect` / a chain
    /// jumped to; empty when the rule has none. A save rule's target and an nft text rule's
    /// verdict are read from its text here (`ArenaRange.inSaveText`, `.inNftText`), so a
    /// reader that asks more than once keeps what it got.
    @inlinable public var target: ByteSlice {
        let target = record.target
        if target.start >= 0 { return slice(target) }
        if target == .inSaveText {
            let text = self.text
            guard let found = SaveRuleTarget.range(in: text) else { return .empty }
            return text.slice(found.lowerBound, found.upperBound)
        }
        guard let raw else { return .empty }
        return slice(NftRuleVerdict.find(in: UnsafeRawBufferPointer(start: raw, count: Int(record.text.end)), record.text))
    }
    /// The rule as the dump printed it; see `DumpFormat` for each format's shape.
    @inlinable public var text: ByteSlice { slice(record.text) }
    @inlinable public var packets: Counter? { record.packets }
    @inlinable public var bytes: Counter? { record.bytes }
    @inlinable public var position: Int { Int(record.position) }
    @inlinable public var line: Int { Int(record.line) }
    /// A named counter object (nft `counter c1 { ... }`): its counts are its own, it has no
    /// chain or target, and its text is `counter NAME`.
    @inlinable public var isObject: Bool { record.isObject }
    /// nft's rule handle; 0 when the dump printed none.
    @inlinable public var handle: UInt32 { record.handle }

    // Listing rules only: the columns `prot opt in out source destination` and the match text.
    @inlinable public var proto: ByteSlice? { record.columns.map { slice($0.proto) } }
    @inlinable public var opt: ByteSlice? { record.columns.map { slice($0.opt) } }
    @inlinable public var inInterface: ByteSlice? { record.columns.map { slice($0.inInterface) } }
    @inlinable public var outInterface: ByteSlice? { record.columns.map { slice($0.outInterface) } }
    @inlinable public var source: ByteSlice? { record.columns.map { slice($0.source) } }
    @inlinable public var destination: ByteSlice? { record.columns.map { slice($0.destination) } }
    @inlinable public var match: ByteSlice? { record.columns.map { slice($0.match) } }
}
