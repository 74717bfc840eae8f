import Foundation
import GRDB
import RuleWatchCore

/// A source's rules as the last snapshot left them: identity keys (rule number = index),
/// last counters and whether shown, when last seen, and reset-corrected running totals.
/// One blob in `source.state`, read and rewritten inside each ingest's transaction, so a
/// snapshot and the state after it are committed together or not at all.
struct _SourceState {
    var id: Int64
    var keys: [UInt64] = []
    var index: [UInt64: Int] = [:]
    var counters = _CounterState()
    /// Nanoseconds; 0: never shown.
    var lastSeen: [Int64] = []
    /// Packets and bytes counted since first seen: a counter that went down was reset, and
    /// its new value is added rather than the (negative) difference.
    var totalPackets: [UInt64] = []
    var totalBytes: [UInt64] = []
    var resets: [UInt32] = []
    var lastTime: Int64?

    static let version: UInt8 = 1

    init(id: Int64) { self.id = id }

    var count: Int { keys.count }

    mutating func addRule(key: UInt64) -> Int {
        let r = keys.count
        keys.append(key)
        index[key] = r
        counters.grow(to: r + 1)
        lastSeen.append(0)
        totalPackets.append(0)
        totalBytes.append(0)
        resets.append(0)
        return r
    }

    /// The source's row, made if new; its state read back.
    static func load(_ db: Database, source: String, create: Bool) throws -> _SourceState? {
        let row = try Row.fetchOne(db, sql: "SELECT id, state FROM source WHERE name = ?", arguments: [source])
        guard let row else {
            guard create else { return nil }
            try db.execute(sql: "INSERT INTO source (name) VALUES (?)", arguments: [source])
            return _SourceState(id: db.lastInsertedRowID)
        }
        var s = _SourceState(id: row["id"])
        if let blob: [UInt8] = (row["state"] as Data?).map({ [UInt8]($0) }) { try s.decode(blob) }
        return s
    }

    func save(_ db: Database) throws {
        try db.execute(sql: "UPDATE source SET state = ? WHERE id = ?", arguments: [Data(encode()), id])
    }

    func encode() -> [UInt8] {
        var w = _ByteWriter(capacity: 16 + count * 40)
        w.byte(Self.version)
        w.byte(lastTime == nil ? 0 : 1)
        w.signed(lastTime ?? 0)
        w.varint(count)
        for r in 0..<count {
            var k = keys[r]
            for _ in 0..<8 {
                w.byte(UInt8(truncatingIfNeeded: k))
                k >>= 8
            }
            let uncounted = counters.uncounted[r]
            let p = counters.packets[r], b = counters.bytes[r]
            let steps = _ChangeBlob.tag(_ChangeBlob.Sample(rule: r, packets: uncounted ? nil : p, bytes: b))
            w.byte(steps | (counters.alive[r] ? 0x80 : 0))
            if !uncounted {
                for (c, s) in [(p, steps & 7), (b, (steps >> 3) & 7)] {
                    if s == _ChangeBlob.raw { w.varint(c.lower); w.varint(c.upper) }
                    w.varint(c.printed)
                }
            }
            w.signed(lastSeen[r])
            w.varint(totalPackets[r])
            w.varint(totalBytes[r])
            w.varint(UInt64(resets[r]))
        }
        return w.bytes
    }

    mutating func decode(_ blob: [UInt8]) throws {
        var r = _ByteReader(blob)
        guard try r.byte() == Self.version else { throw StoreError.corrupt("a source state of an unknown version") }
        let hasTime = try r.byte() != 0
        let t = try r.signed()
        lastTime = hasTime ? t : nil
        let n = try r.int()
        guard n >= 0, n < 1 << 28 else { throw StoreError.corrupt("a source state of \(n) rules") }
        keys.reserveCapacity(n)
        index.reserveCapacity(n)
        counters.grow(to: n)
        lastSeen.reserveCapacity(n)
        for i in 0..<n {
            var k: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 8) { k |= UInt64(try r.byte()) << UInt64(shift) }
            keys.append(k)
            index[k] = i
            let tag = try r.byte()
            counters.alive[i] = tag & 0x80 != 0
            counters.uncounted[i] = tag & _ChangeBlob.uncountedBit != 0
            if !counters.uncounted[i] {
                var pair: [Counter] = []
                for s in [tag & 7, (tag >> 3) & 7] {
                    if s == _ChangeBlob.raw {
                        let lower = try r.varint(), upper = try r.varint(), printed = try r.varint()
                        pair.append(Counter(lower: lower, upper: upper, printed: printed))
                    } else {
                        let printed = try r.varint()
                        var unit: UInt64 = 1
                        for _ in 0..<s { unit *= 1000 }
                        pair.append(s == 0 ? .exact(printed) : Counter.abbreviated(printed / unit, steps: Int(s)) ?? .exact(printed))
                    }
                }
                counters.packets[i] = pair[0]
                counters.bytes[i] = pair[1]
            }
            lastSeen.append(try r.signed())
            totalPackets.append(try r.varint())
            totalBytes.append(try r.varint())
            resets.append(UInt32(truncatingIfNeeded: try r.varint()))
        }
    }
}
