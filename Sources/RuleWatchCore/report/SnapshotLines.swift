/// `parse`'s default output: a line per snapshot, for a person.
///
/// `snapshot 2  2026-11-24T10:01:00Z  nat,filter  20 chains  43 rules (43 counted)  partial`
public struct SnapshotLines: DumpSink {
    public var wantsRules: Bool { false }
    public private(set) var totals = Summary()
    private let write: (String) throws -> Void
    private var tables: [String] = []
    private var before = Summary()

    public init(write: @escaping (String) throws -> Void) {
        self.write = write
    }

    public mutating func beginSnapshot(_ header: SnapshotHeader) {
        totals.beginSnapshot(header)
        before = totals
        tables.removeAll(keepingCapacity: true)
    }

    public mutating func table(_ t: ParsedTable) {
        totals.table(t)
        tables.append(t.family == .ip ? t.name : "\(t.family.rawValue) \(t.name)")
    }

    public mutating func endSnapshot(_ header: SnapshotHeader, partial: Bool) throws {
        let time = header.time.map { CivilTime.iso8601(nanoseconds: $0) } ?? "(no time)"
        let shown = tables.isEmpty ? "(no table: an empty ruleset)" : tables.joined(separator: ",")
        var line = "snapshot \(header.index + 1)  \(time)  \(shown)"
        line += "  \(Self.count(totals.chains - before.chains, "chain"))  \(Self.count(totals.rules - before.rules, "rule"))"
        line += " (\(totals.counted - before.counted) counted)"
        let objects = totals.objects - before.objects
        if objects > 0 { line += "  \(objects) counter object\(objects == 1 ? "" : "s")" }
        if let e = header.egress { line += "  egress \(e.ok)/\(e.total)" }
        if !header.tcp.isEmpty { line += "  tcp \(header.tcp.count) namespace\(header.tcp.count == 1 ? "" : "s")" }
        if partial { line += "  partial" }
        try write(line + "\n")
    }

    /// `1 rule`, `2 rules`.
    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }
}
