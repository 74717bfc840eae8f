import RuleWatchCore

/// Every rule of a parsed capture, with where it sat and how it was dumped.
struct CaptureRules: DumpSink {
    struct Rule: Hashable, CustomStringConvertible {
        var family: String
        var table: String
        var chain: String
        var position: Int
        var format: DumpFormat
        var packets: UInt64?
        var bytes: UInt64?
        var text: String

        var description: String { "\(family) \(table) \(chain) #\(position) [\(packets.map(String.init) ?? "-")] \(text)" }
    }

    var rules: [Rule] = []
    var snapshots: [SnapshotHeader] = []
    var partial = false
    var wantsRules: Bool { true }

    mutating func beginSnapshot(_ header: SnapshotHeader) { snapshots.append(header) }
    mutating func endSnapshot(_ header: SnapshotHeader, partial: Bool) { self.partial = self.partial || partial }
    mutating func table(_ t: ParsedTable) {
        t.rules.forEach { r in
            rules.append(Rule(family: t.family.rawValue, table: t.name, chain: r.chain.string, position: r.position,
                              format: t.format, packets: r.packets?.printed, bytes: r.bytes?.printed, text: r.text.string))
        }
    }

    /// Parses capture text as `ingest` would; warnings are collected, not printed.
    static func parse(_ text: String) throws -> (CaptureRules, [Diagnostic]) {
        var warnings: [Diagnostic] = []
        var sink = CaptureRules()
        try CaptureParser(options: ParseOptions()) { warnings.append($0) }
            .parse(bytes: Array(text.utf8), name: "<collect>", into: &sink)
        return (sink, warnings)
    }

    /// The rules of one table.
    func of(_ family: String, _ table: String) -> [Rule] { rules.filter { $0.family == family && $0.table == table } }
}
