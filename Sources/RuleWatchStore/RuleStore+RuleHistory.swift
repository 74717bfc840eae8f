import Foundation
import GRDB
import RuleWatchCore

/// One rule's counters over time: a point where they changed, it appeared or vanished.
public struct RuleCounterHistory: Sendable {
    public struct Point: Sendable {
        /// Nanoseconds since the epoch.
        public var time: Int64
        /// `nil`: not shown by this snapshot (vanished), or dumped without counters.
        public var packets: Counter?
        public var bytes: Counter?
        /// Since the point before (from zero after a reset or on appearing).
        public var deltaPackets: UInt64
        public var deltaBytes: UInt64
        public var reset: Bool
        public var appeared: Bool
        public var vanished: Bool
    }

    public var rule: RuleTotals
    public var points: [Point] = []
}

extension RuleStore {
    /// The counters of the rules `matches` picks, between `since` and `until`.
    public func ruleHistory(source: String, since: Int64? = nil, until: Int64? = nil,
                            matching matches: (RuleTotals) -> Bool) throws(StoreError) -> [RuleCounterHistory] {
        let rules = try ruleTotals(source: source)
        let picked = rules.indices.filter { matches(rules[$0]) }
        if picked.isEmpty { return [] }
        return try read { db -> [RuleCounterHistory] in
            guard let sourceID = try Self.sourceID(db, source) else { return [] }
            var out = picked.map { RuleCounterHistory(rule: rules[$0]) }
            var wasAlive = [Bool](repeating: false, count: picked.count)
            var last = [(Counter, Counter)?](repeating: nil, count: picked.count)
            // After a prune, the counters the first kept snapshot starts from.
            let base = { (state: _CounterState) in
                for (k, r) in picked.enumerated() {
                    wasAlive[k] = state.alive[r]
                    if !state.uncounted[r] { last[k] = (state.packets[r], state.bytes[r]) }
                }
            }
            try Self.replay(db, sourceID: sourceID, ruleCount: rules.count, until: until, base: base) { snap, state in
                for (k, r) in picked.enumerated() {
                    let alive = state.alive[r]
                    let p = state.uncounted[r] ? nil : state.packets[r], b = state.uncounted[r] ? nil : state.bytes[r]
                    defer {
                        wasAlive[k] = alive
                        if alive, let p, let b { last[k] = (p, b) }
                    }
                    let inRange = since.map { snap.time >= $0 } ?? true
                    if !alive {
                        if wasAlive[k], inRange {
                            out[k].points.append(.init(time: snap.time, packets: nil, bytes: nil, deltaPackets: 0, deltaBytes: 0,
                                                       reset: false, appeared: false, vanished: true))
                        }
                        continue
                    }
                    let appeared = !wasAlive[k]
                    var point = RuleCounterHistory.Point(time: snap.time, packets: p, bytes: b, deltaPackets: 0, deltaBytes: 0,
                                                         reset: false, appeared: appeared, vanished: false)
                    if let p, let b {
                        if let (p0, b0) = last[k], !appeared {
                            if p0 == p && b0 == b && !(out[k].points.isEmpty && inRange) { continue }
                            point.reset = p.upper < p0.lower || b.upper < b0.lower
                            point.deltaPackets = point.reset ? p.printed : (p.printed >= p0.printed ? p.printed - p0.printed : 0)
                            point.deltaBytes = point.reset ? b.printed : (b.printed >= b0.printed ? b.printed - b0.printed : 0)
                        } else if let (p0, b0) = last[k], p.upper < p0.lower || b.upper < b0.lower {
                            point.reset = true
                            point.deltaPackets = p.printed
                            point.deltaBytes = b.printed
                        } else if let (p0, b0) = last[k] {
                            point.deltaPackets = p.printed >= p0.printed ? p.printed - p0.printed : 0
                            point.deltaBytes = b.printed >= b0.printed ? b.printed - b0.printed : 0
                        } else {
                            point.deltaPackets = p.printed
                            point.deltaBytes = b.printed
                        }
                    }
                    if inRange { out[k].points.append(point) }
                }
                return true
            }
            return out
        }
    }
}
