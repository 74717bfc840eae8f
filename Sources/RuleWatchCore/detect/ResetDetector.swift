/// `reset`: counters that went down. Tells a table rewritten at once (a reboot,
/// `iptables-restore` without `--counters`) and a chain rewritten at once (kube-proxy's
/// syncs) from one rule replaced; all informational. The deltas already count from zero.
struct ResetDetector: Detector {
    struct Place: Hashable {
        var chain: Int
        var snapshot: Int
    }

    /// Per place (chain and snapshot): rules with a nonzero counter before the interval, and
    /// how many of them went down. A `_KeyTable` to an array: this runs for every rule.
    var slots = _KeyTable()
    var places: [Place] = []
    var counts: [(rules: Int, resets: Int)] = []

    func compared(_ p: Place) -> (rules: Int, resets: Int)? {
        slots[Self.key(p.chain, p.snapshot)].map { counts[Int($0)] }
    }

    static func key(_ chain: Int, _ snapshot: Int) -> UInt64 {
        StableHasher.finish(UInt64(chain) << 32 | UInt64(snapshot), length: 0)
    }
    var resets: [(rule: Int, snapshot: Int, before: UInt64, after: UInt64)] = []

    /// The slots of the last chain observed, by snapshot (-1: none yet): the rules of a chain
    /// come one after another, so most lookups skip the hash table.
    var lastChain = -1
    var lastChainSlots: [Int32] = []

    mutating func observe(_ series: RuleSeries, in context: AnalysisContext) {
        guard series.hasCounters, series.snapshots.count > 1 else { return }
        let chain = context.history.rules[series.rule].chain
        if chain != lastChain {
            lastChain = chain
            if lastChainSlots.count != context.history.snapshots.count {
                lastChainSlots = [Int32](repeating: -1, count: context.history.snapshots.count)
            } else {
                for i in lastChainSlots.indices { lastChainSlots[i] = -1 }
            }
        }
        // Every snapshot after the first has its delta, in order; an appearance adds one before.
        let offset = series.deltas.count - (series.snapshots.count - 1)
        for k in 1..<series.snapshots.count where series.packets[k - 1].upper > 0 || series.bytes[k - 1].upper > 0 {
            let snap = series.snapshots[k]
            let j = k - 1 + offset
            let inPlace = j >= 0 && j < series.deltas.count && series.deltas[j].snapshot == snap
            guard let d = inPlace ? series.deltas[j] : series.delta(at: snap) else { continue }
            var slot = Int(lastChainSlots[snap])
            if slot < 0 {
                let key = Self.key(chain, snap)
                if let found = slots[key] {
                    slot = Int(found)
                } else {
                    slot = places.count
                    slots[key] = Int32(slot)
                    places.append(Place(chain: chain, snapshot: snap))
                    counts.append((0, 0))
                }
                lastChainSlots[snap] = Int32(slot)
            }
            counts[slot].rules += 1
            if d.reset {
                counts[slot].resets += 1
                resets.append((series.rule, snap, series.packets[k - 1].printed, series.packets[k].printed))
            }
        }
    }

    mutating func findings(in context: AnalysisContext) -> [Finding] {
        let fraction = context.thresholds.resetChainFraction
        func rewritten(_ p: Place) -> Bool {
            guard let c = compared(p) else { return false }
            return c.resets >= 2 && Double(c.resets) >= fraction * Double(c.rules)
        }
        // Chains rewritten at once, grouped by table and snapshot.
        var byTable: [String: (table: Int, snapshot: Int, chains: [Int], resets: Int, compared: Int)] = [:]
        for (place, c) in zip(places, counts) where c.resets > 0 && rewritten(place) {
            let table = context.history.chains[place.chain].table
            var e = byTable["\(table)/\(place.snapshot)"] ?? (table, place.snapshot, [], 0, 0)
            e.chains.append(place.chain); e.resets += c.resets; e.compared += c.rules
            byTable["\(table)/\(place.snapshot)"] = e
        }
        var out: [Finding] = []
        for e in byTable.values {
            let t = context.history.tables[e.table]
            let chainsCounting = Set(places.filter { $0.snapshot == e.snapshot && context.history.chains[$0.chain].table == e.table }.map(\.chain))
            let whole = chainsCounting.count >= 2 && e.chains.count == chainsCounting.count
            let names = e.chains.map { context.history.chains[$0].name }.sorted()
            let when = Explanation.clock(context.time(e.snapshot))
            if whole || names.count > 5 {
                let text = whole
                    ? "Every counting chain of table \(t.name) restarted from zero at \(when): the whole table was rewritten (a reboot or iptables-restore without --counters). Traffic is counted from zero after it."
                    : "\(names.count) chains of table \(t.name) restarted from zero at \(when): rewritten at once (as kube-proxy's syncs do). Traffic is counted from zero after it."
                out.append(Finding(kind: "reset", severity: .info, score: 0.15, family: t.family.rawValue, table: t.name,
                                   chain: "*", since: context.time(e.snapshot), explanation: text,
                                   evidence: [EvidenceField("scope", .string(whole ? "table" : "chains")),
                                              EvidenceField("chains", .array(names.prefix(20).map { .string($0) })),
                                              EvidenceField("rules_reset", .int(Int64(e.resets))),
                                              EvidenceField("rules_counting", .int(Int64(e.compared)))]))
            } else {
                for (chain, name) in zip(e.chains, e.chains.map { context.history.chains[$0].name }) {
                    let c = compared(Place(chain: chain, snapshot: e.snapshot))!
                    out.append(Finding(kind: "reset", severity: .info, score: 0.12, family: t.family.rawValue, table: t.name,
                                       chain: name, since: context.time(e.snapshot),
                                       explanation: "Chain \(name) restarted from zero at \(when): \(c.resets) of its \(c.rules) counting rules went down at once, so the chain was rewritten (as kube-proxy does). Traffic is counted from zero after it.",
                                       evidence: [EvidenceField("scope", .string("chain")),
                                                  EvidenceField("rules_reset", .int(Int64(c.resets))),
                                                  EvidenceField("rules_counting", .int(Int64(c.rules)))]))
                }
            }
        }
        // Single resets in many chains of one table at once are a rewrite of those chains too
        // (kube-proxy rewrites each service's chains, often one counting rule each).
        let single = resets.filter { !rewritten(Place(chain: context.rule($0.rule).chain, snapshot: $0.snapshot)) }
        var groups: [String: [(rule: Int, snapshot: Int, before: UInt64, after: UInt64)]] = [:]
        for r in single { groups["\(context.rule(r.rule).table)/\(r.snapshot)", default: []].append(r) }
        var grouped = Set<Int>()
        for group in groups.values where Set(group.map { context.rule($0.rule).chain }).count >= 3 {
            let first = context.rule(group[0].rule)
            let t = context.table(of: first)
            let names = Set(group.map { context.chain(of: context.rule($0.rule)).name }).sorted()
            let when = Explanation.clock(context.time(group[0].snapshot))
            out.append(Finding(kind: "reset", severity: .info, score: 0.15, family: t.family.rawValue, table: t.name,
                               chain: "*", since: context.time(group[0].snapshot),
                               explanation: "Rules in \(names.count) chains of table \(t.name) restarted from zero at \(when): those chains were rewritten at once (as kube-proxy's syncs do). Traffic is counted from zero after it.",
                               evidence: [EvidenceField("scope", .string("chains")),
                                          EvidenceField("chains", .array(names.prefix(20).map { .string($0) })),
                                          EvidenceField("rules_reset", .int(Int64(group.count)))]))
            for r in group { grouped.insert(r.rule) }
        }
        for r in single where !grouped.contains(r.rule) {
            out.append(context.finding("reset", .info, score: 0.1, rule: r.rule, since: context.time(r.snapshot),
                                       explanation: "The rule's counter went down from \(r.before) to \(r.after) packets at \(Explanation.clock(context.time(r.snapshot))) while the rest of its chain kept counting: the rule was replaced or zeroed. Traffic is counted from zero after it.",
                                       evidence: [EvidenceField("scope", .string("rule")),
                                                  EvidenceField("packets_before", .uint(r.before)),
                                                  EvidenceField("packets_after", .uint(r.after))]))
        }
        return out
    }
}
