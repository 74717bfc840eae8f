import Foundation
import GRDB
import RuleWatchCore

/// A stored snapshot, without its rules.
public struct StoredSnapshot: Sendable, Hashable {
    /// Nanoseconds since the epoch.
    public var time: Int64
    public var format: String
    public var egress: EgressSample?
    /// Rules it showed, and how many of them changed counters since the one before.
    public var rules: Int
    public var changed: Int
    /// Bytes of its change blob.
    public var bytes: Int
    public var partial: Bool
}

extension RuleStore {
    /// The source's stored snapshots between `since` and `until` (inclusive), in time order.
    public func snapshots(source: String, since: Int64? = nil, until: Int64? = nil) throws(StoreError) -> [StoredSnapshot] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT snapshot.time, format, egress_ok, egress_total, shown, changed, length(changes) AS size, partial
                FROM snapshot JOIN source ON source.id = snapshot.source_id
                WHERE source.name = ? AND time >= ? AND time <= ? ORDER BY time
                """, arguments: [source, since ?? Int64.min, until ?? Int64.max]).map { row in
                let ok: Int64? = row["egress_ok"], total: Int64? = row["egress_total"]
                return StoredSnapshot(time: row["time"], format: row["format"],
                                      egress: ok.flatMap { o in total.map { EgressSample(ok: UInt64(o), total: UInt64($0)) } },
                                      rules: row["shown"], changed: row["changed"], bytes: row["size"], partial: row["partial"])
            }
        }
    }

    /// The source's history between `since` and `until` as a `CaptureHistory`, for the
    /// `Analyzer`: the same tables, chains, rules (identity and `rule_id` as stored) and per
    /// snapshot every rule it showed with its counters.
    public func history(source: String, since: Int64? = nil, until: Int64? = nil) throws(StoreError) -> CaptureHistory {
        try read { db in try self.history(db, source: source, since: since, until: until) }
    }

    func history(_ db: Database, source: String, since: Int64?, until: Int64?) throws -> CaptureHistory {
        var history = CaptureHistory()
        guard let sourceID = try Int64.fetchOne(db, sql: "SELECT id FROM source WHERE name = ?", arguments: [source]) else {
            return history
        }
        var tableIndex: [Int64: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, family, name, format FROM tbl WHERE source_id = ? ORDER BY id", arguments: [sourceID]) {
            guard let family = Family(rawValue: row["family"]), let format = DumpFormat(rawValue: row["format"]) else {
                throw StoreError.corrupt("table \(row["name"] as String) has family \(row["family"] as String) and format \(row["format"] as String)")
            }
            tableIndex[row["id"]] = history.addStoredTable(family: family, name: row["name"], format: format)
        }
        var chainIndex: [Int64: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT chain.id, table_id, chain.name, hook, policy FROM chain JOIN tbl ON tbl.id = chain.table_id
            WHERE tbl.source_id = ? ORDER BY chain.id
            """, arguments: [sourceID]) {
            chainIndex[row["id"]] = history.addStoredChain(table: tableIndex[row["table_id"]]!, name: row["name"],
                                                           hook: row["hook"], policy: row["policy"])
        }
        var ruleCount = 0
        let rules = try Row.fetchCursor(db, sql: """
            SELECT idx, key, table_id, chain_id, target, target_class, text, canonical, format, occurrence, is_policy, first_position
            FROM rule WHERE source_id = ? ORDER BY idx
            """, arguments: [sourceID])
        while let row = try rules.next() {
            let idx: Int = row["idx"]
            guard idx == ruleCount, let format = DumpFormat(rawValue: row["format"]),
                  let table = tableIndex[row["table_id"]], let chain = chainIndex[row["chain_id"]] else {
                throw StoreError.corrupt("rule \(idx) does not read back")
            }
            let key: Int64 = row["key"]
            _ = history.addStoredRule(StoredRule(
                key: UInt64(bitPattern: key), table: table, chain: chain, target: row["target"],
                targetClass: TargetClass(rawValue: row["target_class"]) ?? .other, text: row["text"],
                canonical: row["canonical"], format: format, occurrence: row["occurrence"], isPolicy: row["is_policy"],
                firstSnapshot: 0, firstPosition: row["first_position"]))
            ruleCount += 1
        }

        // Every change from the oldest kept snapshot (or its base, after a prune) to `until`.
        var state = _CounterState()
        state.grow(to: ruleCount)
        let snapshots = try Row.fetchCursor(db, sql: """
            SELECT time, egress_ok, egress_total, line, partial, tables, shown, changes, base FROM snapshot
            WHERE source_id = ? AND time <= ? ORDER BY time
            """, arguments: [sourceID, until ?? Int64.max])
        var first = true
        while let row = try snapshots.next() {
            if first, let base: Data = row["base"] {
                try _ChangeBlob.decode([UInt8](base), into: &state)
            }
            first = false
            let changes: Data = row["changes"]
            try _ChangeBlob.decode([UInt8](changes), into: &state)
            let time: Int64 = row["time"]
            if let since, time < since { continue }
            let ok: Int64? = row["egress_ok"], total: Int64? = row["egress_total"]
            let egress = ok.flatMap { o in total.map { EgressSample(ok: UInt64(o), total: UInt64($0)) } }
            let tablesText: String = row["tables"]
            let shown = tablesText.split(separator: ",").compactMap { Int64($0).flatMap { tableIndex[$0] } }
            history.appendStoredSnapshot(time: time, source: source, line: row["line"], egress: egress,
                                         partial: row["partial"], tables: shown, sampleCount: row["shown"]) { samples in
                for r in 0..<ruleCount where state.alive[r] {
                    if state.uncounted[r] {
                        samples.append(rule: r, packets: nil, bytes: nil)
                    } else {
                        samples.append(rule: r, packets: state.packets[r], bytes: state.bytes[r])
                    }
                }
            }
        }
        return history
    }

    /// Every rule of the source with its last counters and reset-corrected totals.
    public func ruleTotals(source: String) throws(StoreError) -> [RuleTotals] {
        try read { db in
            guard let state = try _SourceState.load(db, source: source, create: false) else { return [] }
            var out: [RuleTotals] = []
            out.reserveCapacity(state.count)
            let rows = try Row.fetchCursor(db, sql: """
                SELECT idx, rule_id, key, tbl.family, tbl.name AS tname, chain.name AS cname, target, text, is_policy, first_time
                FROM rule JOIN tbl ON tbl.id = rule.table_id JOIN chain ON chain.id = rule.chain_id
                WHERE rule.source_id = ? ORDER BY idx
                """, arguments: [state.id])
            while let row = try rows.next() {
                let r: Int = row["idx"]
                guard r < state.count else { throw StoreError.corrupt("rule \(r) has no state") }
                let key: Int64 = row["key"]
                let uncounted = state.counters.uncounted[r]
                out.append(RuleTotals(
                    ruleID: row["rule_id"], key: UInt64(bitPattern: key), family: Family(rawValue: row["family"]) ?? .ip,
                    table: row["tname"], chain: row["cname"], target: row["target"], text: row["text"], isPolicy: row["is_policy"],
                    alive: state.counters.alive[r], packets: uncounted ? nil : state.counters.packets[r],
                    bytes: uncounted ? nil : state.counters.bytes[r], totalPackets: state.totalPackets[r],
                    totalBytes: state.totalBytes[r], resets: Int(state.resets[r]), firstSeen: row["first_time"],
                    lastSeen: state.lastSeen[r]))
            }
            return out
        }
    }

    /// Every chain of the source with its policy and resets.
    public func chainTotals(source: String) throws(StoreError) -> [ChainTotals] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT tbl.family, tbl.name AS tname, chain.name AS cname, hook, policy, resets
                FROM chain JOIN tbl ON tbl.id = chain.table_id JOIN source ON source.id = tbl.source_id
                WHERE source.name = ? ORDER BY chain.id
                """, arguments: [source]).map { row in
                ChainTotals(family: Family(rawValue: row["family"]) ?? .ip, table: row["tname"], chain: row["cname"],
                            hook: row["hook"], policy: row["policy"], resets: row["resets"])
            }
        }
    }
}
