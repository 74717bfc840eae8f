import GRDB
import RuleWatchCore

/// nft's rule handles (`nft -a`, `nft -j`): one per stored rule, the latest snapshot's, so
/// that a history rebuilt by `report` names the rule in its remove command as `analyze` does.
extension RuleStore {
    /// The handles stored for a source's rules, by rule number, with the time of the snapshot
    /// that printed each.
    static func handles(_ db: Database, sourceID: Int64) throws -> [Int: (handle: UInt32, time: Int64)] {
        var out: [Int: (handle: UInt32, time: Int64)] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT idx, handle, time FROM rule_handle WHERE source_id = ?",
                                       arguments: [sourceID])
        while let row = try rows.next() {
            let handle: Int64 = row["handle"]
            out[row["idx"]] = (UInt32(truncatingIfNeeded: handle), row["time"])
        }
        return out
    }

    /// Keeps the handles an nft snapshot at `time` printed for the rules it showed: written
    /// only where they differ from what is stored, and never over a later snapshot's (a late
    /// snapshot's handles may predate a reload).
    static func storeHandles(_ db: Database, sourceID: Int64, time: Int64,
                             _ shown: [(rule: Int, handle: UInt32)]) throws {
        let stored = try handles(db, sourceID: sourceID)
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO rule_handle (source_id, idx, handle, time) VALUES (?, ?, ?, ?)
            ON CONFLICT (source_id, idx) DO UPDATE SET handle = excluded.handle, time = excluded.time
            """)
        for (rule, handle) in shown {
            if let old = stored[rule], old.handle == handle || old.time > time { continue }
            if stored[rule] == nil && handle == 0 { continue }
            try upsert.execute(arguments: [sourceID, rule, Int64(handle), time])
        }
    }
}
