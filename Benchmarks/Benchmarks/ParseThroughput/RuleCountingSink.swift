import RuleWatchCore

/// A sink that asks for every rule and walks them, as an analysis would.
struct RuleCountingSink: DumpSink {
    var rules = 0
    var textBytes = 0
    var wantsRules: Bool { true }

    mutating func beginSnapshot(_ header: SnapshotHeader) {}
    mutating func endSnapshot(_ header: SnapshotHeader, partial: Bool) {}
    mutating func table(_ t: ParsedTable) {
        t.rules.forEach { rule in
            rules += 1
            textBytes &+= rule.text.count
        }
    }

    /// Parses a dump in memory; returns how many rules it held.
    static func parse(_ bytes: [UInt8]) -> Int {
        var sink = RuleCountingSink()
        do {
            try CaptureParser().parse(bytes: bytes, name: "bench", into: &sink)
        } catch {
            fatalError("parse failed: \(error)")
        }
        return sink.rules
    }
}
