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
    ///
    /// Built from the snapshots' change blobs as they are: each snapshot after the first hands
    /// the history only the rules whose counters changed, appeared or vanished, so a day of a
    /// 33,000-rule node costs its 2.4 million changes, not 48 million samples.
    /// - Parameter progress: hears, after each snapshot added, how many are added and how many
    ///   the range holds.
    public func history(source: String, since: Int64? = nil, until: Int64? = nil,
                        progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws(StoreError) -> CaptureHistory {
        try read { db in try self.history(db, source: source, since: since, until: until, progress: progress) }
    }

    func history(_ db: Database, source: String, since: Int64?, until: Int64?,
                 progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> CaptureHistory {
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
        let handles = try Self.handles(db, sourceID: sourceID)
        for rule in try Self.rules(db, sourceID: sourceID) {
            guard let table = tableIndex[rule.table], let chain = chainIndex[rule.chain] else {
                throw StoreError.corrupt("rule \(ruleCount) names a table or chain the store does not have")
            }
            _ = history.addStoredRule(StoredRule(
                key: rule.key, table: table, chain: chain, target: rule.target, targetClass: rule.targetClass,
                text: rule.text, canonical: rule.canonical, format: rule.format, occurrence: rule.occurrence,
                isPolicy: rule.isPolicy, firstSnapshot: 0, firstPosition: rule.firstPosition,
                handle: handles[ruleCount]?.handle ?? 0))
            ruleCount += 1
        }
        let snapshotTotal = progress == nil ? 0 : try Int.fetchOne(db, sql: """
            SELECT count(*) FROM snapshot WHERE source_id = ? AND time >= ? AND time <= ?
            """, arguments: [sourceID, since ?? Int64.min, until ?? Int64.max]) ?? 0

        // Every change from the oldest kept snapshot (or its base, after a prune) to `until`;
        // what each snapshot changed, in rule order, as its blob lists it.
        var appeared: [Int] = [], vanished: [Int] = [], changed: [Int] = []
        try Self.replay(db, sourceID: sourceID, ruleCount: ruleCount, until: until,
                        appeared: { appeared.append($0) }, vanished: { vanished.append($0) },
                        changed: { changed.append($0) }) { snap, state in
            defer {
                appeared.removeAll(keepingCapacity: true)
                vanished.removeAll(keepingCapacity: true)
                changed.removeAll(keepingCapacity: true)
            }
            if let since, snap.time < since { return true }
            let row = snap.row
            let ok: Int64? = row["egress_ok"], total: Int64? = row["egress_total"]
            let egress = ok.flatMap { o in total.map { EgressSample(ok: UInt64(o), total: UInt64($0)) } }
            let tablesText: String = row["tables"]
            let shown = tablesText.split(separator: ",").compactMap { Int64($0).flatMap { tableIndex[$0] } }
            let tcp = try (row["tcp"] as Data?).map { try _TCPBlob.decode([UInt8]($0)) } ?? []
            @inline(__always) func give(_ r: Int, to samples: inout ChangedSamples) {
                if state.uncounted[r] {
                    samples.append(rule: r, packets: nil, bytes: nil)
                } else {
                    samples.append(rule: r, packets: state.packets[r], bytes: state.bytes[r])
                }
            }
            if history.snapshots.isEmpty {
                // The first: every rule it showed, as there is no snapshot before it.
                history.appendChangedSnapshot(time: snap.time, source: source, line: row["line"], egress: egress, tcp: tcp,
                                              partial: row["partial"], tables: shown, changeCount: row["shown"]) { samples in
                    for r in 0..<ruleCount where state.alive[r] { give(r, to: &samples) }
                }
            } else {
                // The rules that changed or appeared (an appeared rule whose counters are what
                // they were when it left is not among the changed), merged in rule order.
                history.appendChangedSnapshot(time: snap.time, source: source, line: row["line"], egress: egress, tcp: tcp,
                                              partial: row["partial"], tables: shown,
                                              changeCount: appeared.count + changed.count) { samples in
                    var a = 0, c = 0
                    while a < appeared.count || c < changed.count {
                        let r: Int
                        if c == changed.count || (a < appeared.count && appeared[a] <= changed[c]) {
                            r = appeared[a]
                            a += 1
                            if c < changed.count && changed[c] == r { c += 1 }
                        } else {
                            r = changed[c]
                            c += 1
                        }
                        if state.alive[r] { give(r, to: &samples) }
                    }
                    for r in vanished { samples.vanish(rule: r) }
                }
            }
            progress?(history.snapshots.count, snapshotTotal)
            return true
        }
        return history
    }

    /// Every rule of the source with its last counters and reset-corrected totals.
    public func ruleTotals(source: String) throws(StoreError) -> [RuleTotals] {
        try read { db in
            guard let state = try _SourceState.load(db, source: source, create: false) else { return [] }
            var tables: [Int64: (family: Family, name: String)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, family, name FROM tbl WHERE source_id = ?", arguments: [state.id]) {
                tables[row["id"]] = (Family(rawValue: row["family"]) ?? .ip, row["name"])
            }
            var chains: [Int64: String] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT chain.id, chain.name FROM chain JOIN tbl ON tbl.id = chain.table_id WHERE tbl.source_id = ?
                """, arguments: [state.id]) {
                chains[row["id"]] = row["name"]
            }
            let rules = try Self.rules(db, sourceID: state.id)
            guard rules.count == state.count else {
                throw StoreError.corrupt("\(rules.count) rules stored but \(state.count) in the source's state")
            }
            return rules.enumerated().map { r, rule in
                let uncounted = state.counters.uncounted[r]
                let table = tables[rule.table] ?? (.ip, "?")
                return RuleTotals(
                    ruleID: rule.ruleID, key: rule.key, family: table.family, table: table.name,
                    chain: chains[rule.chain] ?? "?", target: rule.target, text: rule.text, isPolicy: rule.isPolicy,
                    alive: state.counters.alive[r], packets: uncounted ? nil : state.counters.packets[r],
                    bytes: uncounted ? nil : state.counters.bytes[r], totalPackets: state.totalPackets[r],
                    totalBytes: state.totalBytes[r], resets: Int(state.resets[r]), firstSeen: rule.firstTime,
                    lastSeen: state.lastSeen[r])
            }
        }
    }

    /// The source's rules in number order, from their batches.
    static func rules(_ db: Database, sourceID: Int64) throws -> [_RuleBatch.Rule] {
        var out: [_RuleBatch.Rule] = []
        let batches = try Row.fetchCursor(db, sql: "SELECT first_idx, rules FROM rule_batch WHERE source_id = ? ORDER BY first_idx",
                                          arguments: [sourceID])
        while let row = try batches.next() {
            let first: Int = row["first_idx"]
            guard first == out.count else { throw StoreError.corrupt("rule batch at \(first) follows \(out.count) rules") }
            let blob: Data = row["rules"]
            out += try _RuleBatch.decode([UInt8](blob))
        }
        return out
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
