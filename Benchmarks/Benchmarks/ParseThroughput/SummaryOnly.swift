import RuleWatchCore

/// The `parse --summary` path: counts only, no rules stored.
enum SummaryOnly {
    /// Parses a dump in memory; returns how many rules it held.
    static func parse(_ bytes: [UInt8]) -> Int {
        var sink = Summary()
        do {
            try CaptureParser().parse(bytes: bytes, name: "bench", into: &sink)
        } catch {
            fatalError("parse failed: \(error)")
        }
        return sink.rules
    }
}
