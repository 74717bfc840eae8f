/// `reset`: counters that went down. Tells a table rewritten at once (a reboot,
/// `iptables-restore` without `--counters`) and a chain rewritten at once (kube-proxy's
/// syncs) from one rule replaced; all informational. The deltas already count from zero.
struct ResetDetector: Detector {
    struct Place: Hashable {
        var chain: Int
        var snapshot: Int
    }

    /// Per place (chain and snapshot): how many rules had a nonzero counter before the
    /// interval (compared), and how many of them went down. Kept per chain as runs of equal
    /// counts (a chain's count changes when a rule starts counting, appears or goes), and the
    /// resets apart (they are rare): a place per chain per snapshot, for 12,000 chains over a
    /// day of minute snapshots, was 17 million places and a gigabyte.
    ///
    /// The runs of all chains sit in one array, a chain's at `runs[runRanges[chain]]` (empty
    /// for a chain none of whose rules counted): a dictionary of an array per chain cost an
    /// allocation and a hashed insert for each of kube-proxy's 12,000 chains. A chain seen
    /// again writes its runs anew at the end.
    var runs: [SIMD2<Int32>] = []
    var runRanges: [Range<Int>] = []
    var resetCounts: [Place: Int] = [:]

    /// The runs of `chain`, ascending.
    func points(_ chain: Int) -> ArraySlice<SIMD2<Int32>> {
        chain < runRanges.count ? runs[runRanges[chain]] : []
    }

    /// How many of chain's rules were compared at `snapshot` and how many went down; `nil`
    /// when none was compared.
    func compared(_ p: Place) -> (rules: Int, resets: Int)? {
        let rules = Self.count(in: points(p.chain), at: p.snapshot)
        return rules > 0 ? (rules, resetCounts[p] ?? 0) : nil
    }

    /// The count at `snapshot` of runs given as (first snapshot, count) points, ascending.
    static func count(in points: ArraySlice<SIMD2<Int32>>, at snapshot: Int) -> Int {
        var lo = points.startIndex
        var hi = points.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(points[mid][0]) <= snapshot { lo = mid + 1 } else { hi = mid }
        }
        return lo == points.startIndex ? 0 : Int(points[lo - 1][1])
    }

    var resets: [(rule: Int, snapshot: Int, before: UInt64, after: UInt64)] = []

    /// The chain being observed, its counts by snapshot, and the snapshots they span: the rules
    /// of a chain come one after another, so its counts are gathered densely, then kept as runs.
    var lastChain = -1
    var chainRules: [Int32] = []
    var chainResets: [Int32] = []
    var touched = 0..<0

    mutating func observe(_ series: RuleSeries, in context: AnalysisContext) {
        guard series.hasCounters, series.snapshots.count > 1 else { return }
        let chain = context.history.rules.withUnsafeBufferPointer { $0[series.rule].chain }
        if chain != lastChain {
            keepChain()
            if chainRules.count != context.history.snapshots.count {
                chainRules = [Int32](repeating: 0, count: context.history.snapshots.count)
                chainResets = chainRules
            }
            lastChain = chain
            if runRanges.count != context.history.chains.count {
                runRanges = [Range<Int>](repeating: 0..<0, count: context.history.chains.count)
            }
            // A chain seen before (a rule added to it later has a later index): its counts again.
            let points = runs[runRanges[chain]]
            if !points.isEmpty {
                for n in points.indices {
                    let end = n + 1 < points.endIndex ? Int(points[n + 1][0]) : chainRules.count
                    for s in Int(points[n][0])..<end { chainRules[s] = points[n][1] }
                }
                touched = Int(points[points.startIndex][0])..<chainRules.count
            }
        }
        // Every snapshot after the first has its delta, in order; an appearance adds one before.
        let offset = series.deltas.count - (series.snapshots.count - 1)
        for k in 1..<series.snapshots.count where series.packets[k - 1].upper > 0 || series.bytes[k - 1].upper > 0 {
            let snap = series.snapshots[k]
            let j = k - 1 + offset
            let inPlace = j >= 0 && j < series.deltas.count && series.deltas[j].snapshot == snap
            guard let d = inPlace ? series.deltas[j] : series.delta(at: snap) else { continue }
            touched = touched.isEmpty ? snap..<snap + 1 : Swift.min(touched.lowerBound, snap)..<Swift.max(touched.upperBound, snap + 1)
            chainRules[snap] += 1
            if d.reset {
                chainResets[snap] += 1
                resets.append((series.rule, snap, series.packets[k - 1].printed, series.packets[k].printed))
            }
        }
    }

    /// Keeps the observed chain's counts as runs and its resets by place, and clears them.
    mutating func keepChain() {
        guard lastChain >= 0, !touched.isEmpty else { return }
        let start = runs.count
        var last: Int32 = 0
        for s in touched {
            if chainRules[s] != last {
                runs.append(SIMD2(Int32(s), chainRules[s]))
                last = chainRules[s]
            }
            if chainResets[s] > 0 { resetCounts[Place(chain: lastChain, snapshot: s), default: 0] += Int(chainResets[s]) }
            chainRules[s] = 0
            chainResets[s] = 0
        }
        if last != 0 { runs.append(SIMD2(Int32(touched.upperBound), 0)) }
        runRanges[lastChain] = start..<runs.count
        touched = 0..<0
    }

    mutating func findings(in context: AnalysisContext) -> [Finding] {
        keepChain()
        lastChain = -1
        let fraction = context.thresholds.resetChainFraction
        func rewritten(_ p: Place) -> Bool {
            guard let c = compared(p) else { return false }
            return c.resets >= 2 && Double(c.resets) >= fraction * Double(c.rules)
        }
        // Chains rewritten at once, grouped by table and snapshot.
        var byTable: [String: (table: Int, snapshot: Int, chains: [Int], resets: Int, compared: Int)] = [:]
        let resetPlaces = resetCounts.keys.sorted { ($0.chain, $0.snapshot) < ($1.chain, $1.snapshot) }
        for place in resetPlaces where rewritten(place) {
            let c = compared(place)!
            let table = context.history.chains[place.chain].table
            var e = byTable["\(table)/\(place.snapshot)"] ?? (table, place.snapshot, [], 0, 0)
            e.chains.append(place.chain); e.resets += c.resets; e.compared += c.rules
            byTable["\(table)/\(place.snapshot)"] = e
        }
        var out: [Finding] = []
        for e in byTable.values {
            let t = context.history.tables[e.table]
            let chainsCounting = runRanges.indices.filter {
                !runRanges[$0].isEmpty && context.history.chains[$0].table == e.table
                    && compared(Place(chain: $0, snapshot: e.snapshot)) != nil
            }
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
