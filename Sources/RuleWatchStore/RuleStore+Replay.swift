import Foundation
import GRDB
import RuleWatchCore

extension RuleStore {
    /// One stored snapshot as replayed: its row and the counter state after its changes.
    struct Replayed {
        var id: Int64
        var time: Int64
        var row: Row
    }

    /// Replays a source's snapshots in time order up to `until`, from the oldest kept one (or
    /// its base, after a prune): `body` sees each with every rule's counters after it, and
    /// `changed` hears the rules whose counters it changed, `appeared` and `vanished` the
    /// rules it shows anew and no longer (all three in rule order, before `body`), `base` the
    /// state a pruned source's first snapshot starts from.
    static func replay(_ db: Database, sourceID: Int64, ruleCount: Int, until: Int64?,
                       appeared: (Int) -> Void = { _ in }, vanished: (Int) -> Void = { _ in },
                       changed: (Int) -> Void = { _ in }, base: (_CounterState) -> Void = { _ in },
                       _ body: (Replayed, _CounterState) throws -> Bool) throws {
        var state = _CounterState()
        state.grow(to: ruleCount)
        let snapshots = try Row.fetchCursor(db, sql: """
            SELECT id, time, egress_ok, egress_total, line, partial, tables, shown, changed, changes, base, tcp FROM snapshot
            WHERE source_id = ? AND time <= ? ORDER BY time
            """, arguments: [sourceID, until ?? Int64.max])
        var first = true
        while let row = try snapshots.next() {
            if first, let blob: Data = row["base"] {
                try _ChangeBlob.decode([UInt8](blob), into: &state)
                base(state)
            }
            first = false
            let changes: Data = row["changes"]
            try _ChangeBlob.decode([UInt8](changes), into: &state, appeared: appeared, vanished: vanished, changed: changed)
            if try !body(Replayed(id: row["id"], time: row["time"], row: row), state) { return }
        }
    }

    static func sourceID(_ db: Database, _ source: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM source WHERE name = ?", arguments: [source])
    }
}
