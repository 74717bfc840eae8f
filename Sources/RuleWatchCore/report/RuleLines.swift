/// `parse --format jsonl`: one JSON object a line for each rule of each snapshot, for jq.
///
/// `{"snapshot":1,"time":"2026-11-24T10:00:00Z","family":"ip","table":"nat","kind":"rule",
/// "chain":"PREROUTING","position":3,"target":"REDIRECT","rule":"tcp -- any any anywhere anywhere tcp dpt:https redir ports 47443",
/// "format":"listing","line":12,"pkts":234,"bytes":14040}` -- abbreviated counters add
/// `pkts_lower`/`pkts_upper` (and the same for bytes); rules without counters have `null`;
/// `"kind":"counter"` marks a named counter object (nft `counter c1 { ... }`: no chain
/// or target, its text `counter c1`); `"partial":true` marks the rules of a snapshot that
/// was cut off. A snapshot's lines are held until it ends, since only then is it known
/// whether it was cut off. Snapshots are numbered from 1, as in `parse`'s text and in warnings.
public struct RuleLines: DumpSink {
    public var wantsRules: Bool { true }
    /// Called with each finished snapshot's lines, newline-terminated.
    private let write: (String) throws -> Void
    private var pending: [String] = []
    private var prefix = ""

    public init(write: @escaping (String) throws -> Void) {
        self.write = write
    }

    public mutating func beginSnapshot(_ header: SnapshotHeader) {
        let time = header.time.map { JSONText.quoted(CivilTime.iso8601(nanoseconds: $0)) } ?? "null"
        prefix = "{\"snapshot\":\(header.index + 1),\"time\":\(time)"
        pending.removeAll(keepingCapacity: true)
    }

    public mutating func table(_ t: ParsedTable) {
        let tablePart = "\(prefix),\"family\":\"\(t.family.rawValue)\",\"table\":\(JSONText.quoted(t.name)),\"format\":\"\(t.format.rawValue)\""
        t.rules.forEach { r in
            var line = tablePart
            line += r.isObject ? ",\"kind\":\"counter\"" : ",\"kind\":\"rule\""
            line += ",\"chain\":\(JSONText.quoted(r.chain.string)),\"position\":\(r.position)"
            line += ",\"target\":\(JSONText.quoted(r.target.string)),\"rule\":\(JSONText.quoted(r.text.string))"
            line += ",\"line\":\(r.line)"
            line += Self.counter("pkts", r.packets) + Self.counter("bytes", r.bytes)
            pending.append(line)
        }
    }

    public mutating func endSnapshot(_ header: SnapshotHeader, partial: Bool) throws {
        let end = partial ? ",\"partial\":true}\n" : "}\n"
        var chunk = ""
        for line in pending {
            chunk += line
            chunk += end
            if chunk.utf8.count > 1 << 16 {
                try write(chunk)
                chunk = ""
            }
        }
        if !chunk.isEmpty { try write(chunk) }
        pending.removeAll(keepingCapacity: true)
    }

    private static func counter(_ name: String, _ c: Counter?) -> String {
        guard let c else { return ",\"\(name)\":null" }
        if c.isExact { return ",\"\(name)\":\(c.printed)" }
        return ",\"\(name)\":\(c.printed),\"\(name)_lower\":\(c.lower),\"\(name)_upper\":\(c.upper)"
    }
}
