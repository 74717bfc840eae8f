import Foundation
import GRDB
import RuleWatchCore

/// Rules added, removed and counting between two stored snapshots.
public struct SnapshotDiff: Sendable {
    public struct Entry: Sendable {
        public var rule: RuleTotals
        /// Added: when it appeared (the first snapshot after `from` that showed it, as last
        /// appeared); removed: the last snapshot that showed it. Nanoseconds.
        public var time: Int64?
        /// Counters at `to` (added, changed) or at `from` (removed), and what they grew by.
        public var packets: Counter?
        public var bytes: Counter?
        public var deltaPackets: UInt64
        public var deltaBytes: UInt64
        public var reset: Bool
    }

    public var from: Int64
    public var to: Int64
    public var added: [Entry] = []
    public var removed: [Entry] = []
    /// Rules in both whose counters moved, most packets first.
    public var changed: [Entry] = []
}

extension RuleStore {
    /// Compares the snapshots at or before `from` and `to` (default: the last two).
    public func diff(source: String, from: Int64? = nil, to: Int64? = nil) throws(StoreError) -> SnapshotDiff {
        let rules = try ruleTotals(source: source)
        return try read { db -> SnapshotDiff in
            guard let sourceID = try Self.sourceID(db, source) else { throw StoreError.usage("no source '\(source)' in \(self.path)") }
            let times = try Int64.fetchAll(db, sql: "SELECT time FROM snapshot WHERE source_id = ? AND time <= ? ORDER BY time DESC LIMIT 2",
                                           arguments: [sourceID, to ?? Int64.max])
            guard let toTime = times.first else { throw StoreError.usage("no snapshot of '\(source)' at or before that time") }
            let fromTime: Int64
            if let from {
                guard let t = try Int64.fetchOne(db, sql: "SELECT max(time) FROM snapshot WHERE source_id = ? AND time <= ?",
                                                 arguments: [sourceID, from]) else {
                    throw StoreError.usage("no snapshot of '\(source)' at or before --from")
                }
                fromTime = t
            } else {
                guard times.count == 2 else { throw StoreError.usage("'\(source)' has one snapshot: nothing to compare it with") }
                fromTime = times[1]
            }
            var atFrom: _CounterState?
            var appearedAt = [Int64?](repeating: nil, count: rules.count)
            var lastShown = [Int64?](repeating: nil, count: rules.count)
            var previousAlive = [Bool](repeating: false, count: rules.count)
            var atTo = _CounterState()
            try Self.replay(db, sourceID: sourceID, ruleCount: rules.count, until: toTime,
                            base: { previousAlive = $0.alive }) { snap, state in
                if snap.time > fromTime {
                    for r in 0..<rules.count where state.alive[r] && !previousAlive[r] { appearedAt[r] = snap.time }
                }
                for r in 0..<rules.count where state.alive[r] { lastShown[r] = snap.time }
                previousAlive = state.alive
                if snap.time == fromTime { atFrom = state }
                atTo = state
                return true
            }
            guard let before = atFrom else { throw StoreError.usage("--from is after --to") }
            var d = SnapshotDiff(from: fromTime, to: toTime)
            for r in 0..<rules.count {
                let was = before.alive[r], now = atTo.alive[r]
                let p0 = before.uncounted[r] ? nil : before.packets[r], b0 = before.uncounted[r] ? nil : before.bytes[r]
                let p1 = atTo.uncounted[r] ? nil : atTo.packets[r], b1 = atTo.uncounted[r] ? nil : atTo.bytes[r]
                if !was && now {
                    d.added.append(.init(rule: rules[r], time: appearedAt[r], packets: p1, bytes: b1,
                                         deltaPackets: p1?.printed ?? 0, deltaBytes: b1?.printed ?? 0, reset: false))
                } else if was && !now {
                    d.removed.append(.init(rule: rules[r], time: lastShown[r], packets: p0, bytes: b0,
                                           deltaPackets: 0, deltaBytes: 0, reset: false))
                } else if was && now, let p0, let p1, let b0, let b1, p0 != p1 || b0 != b1 {
                    let reset = p1.upper < p0.lower || b1.upper < b0.lower
                    d.changed.append(.init(rule: rules[r], time: toTime, packets: p1, bytes: b1,
                                           deltaPackets: reset ? p1.printed : p1.printed &- p0.printed,
                                           deltaBytes: reset ? b1.printed : b1.printed &- b0.printed, reset: reset))
                }
            }
            d.changed.sort { ($0.deltaPackets, $0.deltaBytes) > ($1.deltaPackets, $1.deltaBytes) }
            return d
        }
    }
}
