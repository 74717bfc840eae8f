/// Where a parsed capture goes: snapshot by snapshot, table by table.
///
/// `CaptureParser` calls `beginSnapshot`, then `table` for each of its tables, then
/// `endSnapshot`; tables arrive whole and the `ParsedTable` is reused after `table` returns,
/// so a sink copies out what it keeps.
public protocol DumpSink {
    /// `false` for sinks that only add up (`parse --summary`): scanners then fill in a
    /// table's counts and skip storing its chains and rules.
    var wantsRules: Bool { get }
    mutating func beginSnapshot(_ header: SnapshotHeader) throws
    mutating func table(_ table: ParsedTable) throws
    /// Takes the table instead of borrowing it. A sink that keeps tables whole (to hand them
    /// to another thread) swaps an empty one in, and the scanner fills that one next; the
    /// default lends the table to `table(_:)`.
    mutating func take(_ table: inout ParsedTable) throws
    /// - Parameter partial: the snapshot was cut off (its last table did not end).
    mutating func endSnapshot(_ header: SnapshotHeader, partial: Bool) throws
}

extension DumpSink {
    public mutating func take(_ table: inout ParsedTable) throws { try self.table(table) }
}

/// What `parse --summary` prints: totals over every snapshot.
public struct Summary: DumpSink, Sendable, Hashable {
    public var snapshots = 0
    public var chains = 0
    public var rules = 0
    public var counted = 0
    public var packets: UInt64 = 0
    public var bytes: UInt64 = 0
    /// Named counter objects (nft), counted apart from the rules.
    public var objects = 0

    public init() {}
    public var wantsRules: Bool { false }

    public mutating func beginSnapshot(_ header: SnapshotHeader) { snapshots += 1 }
    public mutating func endSnapshot(_ header: SnapshotHeader, partial: Bool) {}
    public mutating func table(_ t: ParsedTable) {
        chains += t.chainCount
        rules += t.ruleCount
        counted += t.countedCount
        packets &+= t.printedPackets
        bytes &+= t.printedBytes
        objects += t.objectCount
    }

    /// `snapshots=N chains=N rules=N counted=N pkts=N bytes=N objects=N`: the first keys are
    /// the rules' alone, `objects` the named counter objects.
    public var line: String {
        "snapshots=\(snapshots) chains=\(chains) rules=\(rules) counted=\(counted) pkts=\(packets) bytes=\(bytes) objects=\(objects)"
    }
}
