extension Analyzer {
    /// The time axis, egress, the packets per interval of every rule a finding names, and
    /// the rules that came and went within an interval of each drop's onset.
    static func timeline(_ findings: [Finding], _ context: AnalysisContext) -> AnalysisTimeline {
        let history = context.history
        let window = context.window
        var t = AnalysisTimeline()
        t.firstSnapshot = window.lowerBound
        t.times = window.map { history.snapshots[$0].time }
        t.egress = window.map { context.timeline.samples[$0] }
        t.drops = context.drops
        var formats: [String] = []
        for table in history.tables where !formats.contains(table.format.rawValue) { formats.append(table.format.rawValue) }
        t.formats = formats

        let named = Set(findings.compactMap(\.ruleIndex))
        let onsets = context.drops.map(\.onset)
        var appeared: [Int: [RuleRef]] = [:]
        var vanished: [Int: [RuleRef]] = [:]
        func ref(_ i: Int) -> RuleRef {
            let r = context.rule(i)
            return RuleRef(id: r.id, table: context.table(of: r).name, chain: context.chain(of: r).name,
                           target: r.target, rule: r.text)
        }
        history.forEachSeries(in: window) { series in
            if named.contains(series.rule) {
                var packets = [UInt64?](repeating: nil, count: window.count)
                for d in series.deltas where window.contains(d.snapshot) { packets[d.snapshot - window.lowerBound] = d.packets }
                t.packets[history.rules[series.rule].id] = packets
            }
            guard !history.rules[series.rule].isPolicy else { return }
            if let at = series.appearedAt, onsets.contains(where: { abs($0 - at) <= 1 }) {
                appeared[at, default: []].append(ref(series.rule))
            }
            if let last = series.snapshots.last, last + 1 < window.upperBound,
               onsets.contains(where: { abs($0 - (last + 1)) <= 1 }) {
                vanished[last + 1, default: []].append(ref(series.rule))
            }
        }
        let snapshots = Set(appeared.keys).union(vanished.keys).sorted()
        t.changes = snapshots.map { s in
            RulesetChange(snapshot: s, time: context.time(s),
                          appeared: (appeared[s] ?? []).sorted { ($0.table, $0.chain, $0.rule) < ($1.table, $1.chain, $1.rule) },
                          vanished: (vanished[s] ?? []).sorted { ($0.table, $0.chain, $0.rule) < ($1.table, $1.chain, $1.rule) })
        }
        return t
    }
}
