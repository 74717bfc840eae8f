import Foundation
import GRDB
import RuleWatchCore

/// What `prune` removed.
public struct PruneOutcome: Sendable, Hashable {
    /// Per source, the snapshots dropped.
    public var dropped: [String: Int] = [:]
    public init() {}
}

extension RuleStore {
    /// Drops every source's snapshots older than `cutoff` (nanoseconds since the epoch),
    /// keeping the newest snapshot of a source whatever its age. The first snapshot kept takes
    /// as its base every rule's counters as of the last one dropped, so each living rule keeps
    /// its last sample and the deltas after the cut stay what they were; the running totals
    /// and resets (kept per rule, not per snapshot) do not change. One transaction per source.
    public func prune(olderThan cutoff: Int64) throws(StoreError) -> PruneOutcome {
        var outcome = PruneOutcome()
        for source in try sources() {
            let dropped = try write { db -> Int in
                guard let state = try _SourceState.load(db, source: source, create: false) else { return 0 }
                let newest = try Int64.fetchOne(db, sql: "SELECT max(time) FROM snapshot WHERE source_id = ?", arguments: [state.id])
                guard let newest else { return 0 }
                let cut = Swift.min(cutoff, newest)
                let old = try Int.fetchOne(db, sql: "SELECT count(*) FROM snapshot WHERE source_id = ? AND time < ?",
                                           arguments: [state.id, cut]) ?? 0
                guard old > 0 else { return 0 }
                // The counters as of the last snapshot dropped.
                var asOfCut = _CounterState()
                try Self.replay(db, sourceID: state.id, ruleCount: state.count, until: cut - 1) { _, s in
                    asOfCut = s
                    return true
                }
                guard let kept = try Int64.fetchOne(db, sql: "SELECT id FROM snapshot WHERE source_id = ? AND time >= ? ORDER BY time LIMIT 1",
                                                    arguments: [state.id, cut]) else { return 0 }
                try db.execute(sql: "UPDATE snapshot SET base = ? WHERE id = ?", arguments: [Data(_ChangeBlob.base(of: asOfCut)), kept])
                try db.execute(sql: "DELETE FROM snapshot WHERE source_id = ? AND time < ?", arguments: [state.id, cut])
                return db.changesCount
            }
            if dropped > 0 { outcome.dropped[source] = dropped }
        }
        return outcome
    }
}
