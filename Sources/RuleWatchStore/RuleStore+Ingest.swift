import Foundation
import GRDB
import RuleWatchCore

extension RuleStore {
    /// Records the snapshots in `bytes` (one dump or a capture of many, any format the
    /// parser reads), each in a transaction of its own.
    public func ingest(bytes: [UInt8], name: String, request: IngestRequest,
                       onWarning: @escaping (Diagnostic) -> Void = { _ in }) throws -> IngestOutcome {
        let history = try Self.parse(bytes: bytes, name: name, request: request, onWarning: onWarning)
        var outcome = IngestOutcome()
        try store(history, snapshots: 0..<history.snapshots.count, request: request, outcome: &outcome)
        return outcome
    }

    /// Records files: a plain file is read as a rolling capture from where the last run left
    /// it (unless `request.time` makes it one dump, read whole); `.gz` files and `-` whole.
    /// `onProgress` hears how far reading and then storing each input has come.
    public func ingest(files: [String], request: IngestRequest, onWarning: @escaping (Diagnostic) -> Void = { _ in },
                       onProgress: ((IngestProgress) -> Void)? = nil) throws -> IngestOutcome {
        var outcome = IngestOutcome()
        for file in files {
            if file == "-" || file.hasSuffix(".gz") || request.time != nil {
                let bytes = file == "-" ? try Self.readStandardInput() : try WholeFile.read(file)
                let history = try Self.parse(bytes: bytes, name: file, request: request, onWarning: onWarning,
                                             onProgress: onProgress)
                try store(history, snapshots: 0..<history.snapshots.count, request: request, outcome: &outcome,
                          onProgress: onProgress)
            } else {
                try ingestRolling(file, request: request, onWarning: onWarning, outcome: &outcome, onProgress: onProgress)
            }
        }
        return outcome
    }

    static func readStandardInput() throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = Glibc.read(0, &buffer, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.io("standard input: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return out }
            out.append(contentsOf: buffer[0..<n])
        }
    }

    static func parse(bytes: [UInt8], name: String, request: IngestRequest, onWarning: @escaping (Diagnostic) -> Void,
                      onProgress: ((IngestProgress) -> Void)? = nil) throws -> CaptureHistory {
        var history = CaptureHistory()
        var parser = CaptureParser(options: request.parse, onWarning: onWarning)
        if let onProgress { parser.onProgress = { onProgress(.reading(bytes: $0, total: $1)) } }
        try bytes.withUnsafeBytes { try parser.parse(bytes: $0, name: name, into: &history) }
        return history
    }

    /// Stores `snapshots` of a parsed history, one transaction each.
    func store(_ h: CaptureHistory, snapshots: Range<Int>, request: IngestRequest, outcome: inout IngestOutcome,
               onProgress: ((IngestProgress) -> Void)? = nil) throws {
        if request.time != nil, snapshots.count > 1 {
            throw StoreError.usage("--time names one snapshot, but the input holds \(snapshots.count): leave --time out to use the capture's timestamps")
        }
        if request.egress != nil, snapshots.count > 1 {
            throw StoreError.usage("--egress gives one snapshot's egress, but the input holds \(snapshots.count)")
        }
        var reader = ShownSamples(h)
        onProgress?(.storing(snapshots: 0, total: snapshots.count))
        for s in snapshots {
            let snap = h.snapshots[s]
            let time = request.time ?? snap.time ?? request.now
            let egress = request.egress ?? snap.egress
            try write { db in
                try self.store(h, snapshot: s, reader: &reader, time: time, egress: egress, source: request.source, db,
                               outcome: &outcome)
            }
            onProgress?(.storing(snapshots: s - snapshots.lowerBound + 1, total: snapshots.count))
        }
    }

    /// How many snapshots may follow a late one: each is encoded again, in memory at once.
    public static let lateLimit = 60

    private struct TableKey: Hashable {
        var family: String
        var name: String
        var format: String
    }

    private struct ChainKey: Hashable {
        var table: Int64
        var name: String
    }

    /// One snapshot, inside its transaction.
    private func store(_ h: CaptureHistory, snapshot s: Int, reader: inout ShownSamples, time: Int64,
                       egress: EgressSample?, source: String, _ db: Database, outcome: inout IngestOutcome) throws {
        guard var state = try _SourceState.load(db, source: source, create: true) else { return }
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM snapshot WHERE source_id = ? AND time = ?",
                             arguments: [state.id, time]) == true {
            outcome.alreadyStored.append(time)
            return
        }
        // A snapshot older than the newest (two cron runs overlapped and the later one landed
        // first) goes in its place: the changes after it are encoded again against it.
        let late = state.lastTime.map { time < $0 } ?? false
        let snap = h.snapshots[s]

        // Tables and chains of this source, by name; new ones added.
        var tableIDs: [TableKey: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, family, name, format FROM tbl WHERE source_id = ?", arguments: [state.id]) {
            tableIDs[TableKey(family: row["family"], name: row["name"], format: row["format"])] = row["id"]
        }
        var historyTableID = [Int64](repeating: 0, count: h.tables.count)
        for (i, t) in h.tables.enumerated() {
            let key = TableKey(family: t.family.rawValue, name: t.name, format: t.format.rawValue)
            if let id = tableIDs[key] {
                historyTableID[i] = id
            } else {
                try db.execute(sql: "INSERT INTO tbl (source_id, family, name, format) VALUES (?, ?, ?, ?)",
                               arguments: [state.id, key.family, key.name, key.format])
                historyTableID[i] = db.lastInsertedRowID
                tableIDs[key] = historyTableID[i]
            }
        }
        // The chains as stored, synced only when they changed since the last snapshot (their
        // names, hooks and policies hash the same) or a new rule or a reset needs their ids:
        // a kube node has 12,000 of them, and most minutes none changes.
        var signature = _FNV()
        for c in h.chains where snap.tables.contains(c.table) {
            signature.add(historyTableID[c.table])
            signature.add(c.name)
            signature.add(c.hook ?? "\u{0}")
            signature.add(c.policy ?? "\u{0}")
        }
        var historyChainID: [Int64] = []
        func syncChains() throws {
            guard historyChainID.isEmpty, !h.chains.isEmpty else { return }
            var chainIDs: [ChainKey: (id: Int64, hook: String?, policy: String?)] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT chain.id, chain.table_id, chain.name, chain.hook, chain.policy FROM chain
                JOIN tbl ON tbl.id = chain.table_id WHERE tbl.source_id = ?
                """, arguments: [state.id]) {
                chainIDs[ChainKey(table: row["table_id"], name: row["name"])] = (row["id"], row["hook"], row["policy"])
            }
            historyChainID = [Int64](repeating: 0, count: h.chains.count)
            for (i, c) in h.chains.enumerated() {
                let key = ChainKey(table: historyTableID[c.table], name: c.name)
                if let found = chainIDs[key] {
                    historyChainID[i] = found.id
                    if snap.tables.contains(c.table), found.hook != c.hook || found.policy != c.policy {
                        try db.execute(sql: "UPDATE chain SET hook = ?, policy = ? WHERE id = ?", arguments: [c.hook, c.policy, found.id])
                    }
                } else {
                    try db.execute(sql: "INSERT INTO chain (table_id, name, hook, policy) VALUES (?, ?, ?, ?)",
                                   arguments: [key.table, c.name, c.hook, c.policy])
                    historyChainID[i] = db.lastInsertedRowID
                    chainIDs[key] = (historyChainID[i], c.hook, c.policy)
                }
            }
        }
        if signature.value != state.chainSignature { try syncChains() }
        state.chainSignature = signature.value

        // The snapshot's samples in store rule numbers; rules new to the store added.
        var shown: [(rule: Int, packets: Counter?, bytes: Counter?, historyRule: Int)] = []
        var newRules: [_RuleBatch.Rule] = []
        var newRuleIndices: [Int] = []
        let firstNew = state.count
        shown.reserveCapacity(state.count + 64)
        reader.forEach(in: h, snapshot: s) { r, packets, bytes in
            let rule = h.rules[r]
            let stored: Int
            if let found = state.index[rule.key] {
                stored = found
            } else {
                stored = state.addRule(key: rule.key)
                newRuleIndices.append(r)
            }
            shown.append((stored, packets, bytes, r))
        }
        if !newRuleIndices.isEmpty {
            try syncChains()
            for r in newRuleIndices {
                let rule = h.rules[r]
                newRules.append(_RuleBatch.Rule(key: rule.key, table: historyTableID[rule.table], chain: historyChainID[rule.chain],
                                                target: rule.target, targetClass: rule.targetClass, text: rule.text,
                                                canonical: rule.canonical, format: rule.format, occurrence: rule.occurrence,
                                                isPolicy: rule.isPolicy, firstTime: time, firstPosition: rule.firstPosition))
            }
            try db.execute(sql: "INSERT INTO rule_batch (source_id, first_idx, count, rules) VALUES (?, ?, ?, ?)",
                           arguments: [state.id, firstNew, newRules.count, Data(_RuleBatch.encode(newRules))])
        }
        if snap.tables.contains(where: { h.tables[$0].format == .nft || h.tables[$0].format == .nftJSON }) {
            try Self.storeHandles(db, sourceID: state.id, time: time,
                                  shown.map { (rule: $0.rule, handle: h.rules[$0.historyRule].handle) })
        }
        shown.sort { $0.rule < $1.rule }

        // What the snapshot before it left, and the snapshots after it, when it is late.
        var against = state.counters
        var tail: [(id: Int64, state: _CounterState)] = []
        if late {
            var prior = _CounterState()
            prior.grow(to: state.count)
            var tooLate = false
            try Self.replay(db, sourceID: state.id, ruleCount: state.count, until: nil) { snap, after in
                if snap.time < time {
                    prior = after
                } else {
                    tail.append((snap.id, after))
                    if tail.count > Self.lateLimit { tooLate = true; return false }
                }
                return true
            }
            // Before a pruned source's base, or further back than the limit: refused.
            let baseTime = try Int64.fetchOne(db, sql: "SELECT min(time) FROM snapshot WHERE source_id = ? AND base IS NOT NULL",
                                              arguments: [state.id])
            if tooLate || baseTime.map({ time < $0 }) == true {
                outcome.older.append(time)
                return
            }
            against = prior
        }

        // What changed against the state, and the running totals.
        var appeared: [Int] = []
        var vanished: [Int] = []
        var samples: [_ChangeBlob.Sample] = []
        var resetChains = Set<Int>()
        var next = 0
        for r in 0..<state.count {
            let isShown = next < shown.count && shown[next].rule == r
            if isShown {
                let sample = shown[next]
                next += 1
                // A rule seen twice in one snapshot keeps its first sample, as the history does.
                while next < shown.count && shown[next].rule == r { next += 1 }
                if !against.alive[r] { appeared.append(r) }
                state.lastSeen[r] = Swift.max(state.lastSeen[r], time)
                if !against.same(r, packets: sample.packets, bytes: sample.bytes) {
                    samples.append(_ChangeBlob.Sample(rule: r, packets: sample.packets, bytes: sample.bytes))
                    // Totals follow the snapshots as they arrive in time order; a late one's
                    // counters sit between two already counted, and add nothing to a rising total.
                    if !late, let p = sample.packets {
                        let b = sample.bytes ?? .exact(0)
                        let p0 = state.counters.packets[r], b0 = state.counters.bytes[r]
                        if state.counters.uncounted[r] {
                            state.totalPackets[r] &+= p.printed
                            state.totalBytes[r] &+= b.printed
                        } else if p.upper < p0.lower || b.upper < b0.lower {
                            // Reset (as the analyzer tells one): the new value counts from zero.
                            state.resets[r] += 1
                            state.totalPackets[r] &+= p.printed
                            state.totalBytes[r] &+= b.printed
                            resetChains.insert(h.rules[sample.historyRule].chain)
                        } else {
                            state.totalPackets[r] &+= p.printed >= p0.printed ? p.printed - p0.printed : 0
                            state.totalBytes[r] &+= b.printed >= b0.printed ? b.printed - b0.printed : 0
                        }
                    }
                }
            } else if against.alive[r] {
                vanished.append(r)
            }
        }
        let blob = _ChangeBlob.encode(appeared: appeared, vanished: vanished, samples: samples, into: &against)
        // The snapshots after a late one, encoded again against it; the state is what the
        // last of them leaves, as a replay of the store gives it.
        for (id, after) in tail {
            var appearedNext: [Int] = [], vanishedNext: [Int] = [], samplesNext: [_ChangeBlob.Sample] = []
            for r in 0..<state.count {
                if after.alive[r] {
                    if !against.alive[r] { appearedNext.append(r) }
                    let p: Counter? = after.uncounted[r] ? nil : after.packets[r]
                    if !against.same(r, packets: p, bytes: after.bytes[r]) {
                        samplesNext.append(_ChangeBlob.Sample(rule: r, packets: p, bytes: after.bytes[r]))
                    }
                } else if against.alive[r] {
                    vanishedNext.append(r)
                }
            }
            let again = _ChangeBlob.encode(appeared: appearedNext, vanished: vanishedNext, samples: samplesNext, into: &against)
            try db.execute(sql: "UPDATE snapshot SET changes = ?, changed = ? WHERE id = ?", arguments: [Data(again), samplesNext.count, id])
        }
        state.counters = against
        // Per chain, the snapshots in which any of its rules was reset.
        if !resetChains.isEmpty { try syncChains() }
        for c in Set(resetChains.map { historyChainID[$0] }).sorted() {
            try db.execute(sql: "UPDATE chain SET resets = resets + 1 WHERE id = ?", arguments: [c])
        }
        let formats = Array(Set(snap.tables.map { h.tables[$0].format.rawValue })).sorted().joined(separator: "+")
        try db.execute(sql: """
            INSERT INTO snapshot (source_id, time, format, egress_ok, egress_total, line, partial, tables, shown, changed, changes, tcp)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [state.id, time, formats, egress.map { Int64(bitPattern: $0.ok) }, egress.map { Int64(bitPattern: $0.total) },
                             snap.line, snap.partial, snap.tables.map { String(historyTableID[$0]) }.joined(separator: ","),
                             shown.count, samples.count, Data(blob), snap.tcp.isEmpty ? nil : Data(_TCPBlob.encode(snap.tcp))])
        state.lastTime = Swift.max(state.lastTime ?? time, time)
        try state.save(db)
        outcome.stored.append(time)
        outcome.rules.append(shown.count)
        outcome.changed.append(samples.count)
    }
}
