/// Egress success per interval, lined up with a capture's snapshots: `samples[s]` is the
/// interval that ended at snapshot `s`.
public struct EgressTimeline: Sendable {
    public var samples: [EgressSample?]
    /// The signal `samples` came from.
    public var source: EgressSource
    /// For `.passive`: the pods' namespaces the estimate was made from.
    public var passiveNamespaces = 0

    /// From the CSV when it covers at least one snapshot (rows falling between two
    /// snapshots' times), else from the snapshots' inline `# egress` lines, else estimated
    /// from the pods' TCP counters (`# tcp` lines, `PassiveEgress`). A CSV that covers none
    /// (another day's, another node's) would otherwise blank out the capture's own signal:
    /// `source` says which was used, and the caller warns.
    ///
    /// The first snapshot's interval is taken as long as the one after it, so that rows from
    /// long before the capture do not count as covering it.
    public init(history: CaptureHistory, csv: EgressSeries?) {
        let inline = history.snapshots.map(\.egress)
        if let csv, !csv.rows.isEmpty {
            let fromCSV = Self.samples(history, csv)
            if fromCSV.contains(where: { $0 != nil }) {
                // Snapshots without a time cannot be lined up with the CSV: they keep their own.
                samples = zip(history.snapshots, zip(fromCSV, inline)).map { s, pair in s.time == nil ? pair.1 : pair.0 }
                source = .csv
                return
            }
        }
        samples = inline
        source = inline.contains { $0 != nil } ? .inline : .none
        if source == .none {
            let passive = PassiveEgress(history: history)
            if !passive.isEmpty {
                samples = passive.samples
                source = .passive
                passiveNamespaces = passive.podNamespaces
            }
        }
    }

    public var isEmpty: Bool { !samples.contains { $0?.rate != nil } }

    public func rate(_ s: Int) -> Double? { s >= 0 && s < samples.count ? samples[s]?.rate : nil }

    /// The CSV's attempts per snapshot's interval; `nil` where no row falls in it.
    private static func samples(_ history: CaptureHistory, _ csv: EgressSeries) -> [EgressSample?] {
        let times = history.snapshots.compactMap(\.time)
        var previousTime: Int64? = times.count >= 2 ? Self.start(before: times[0], next: times[1]) : nil
        return history.snapshots.map { s in
            guard let t = s.time else { return nil }
            defer { previousTime = t }
            return csv.sample(after: previousTime, upTo: t)
        }
    }

    /// `first - (next - first)`, held to Int64's range: a dump's timestamps are untrusted (an
    /// `@epoch` line can be any 64-bit number), and two far apart must give a first interval
    /// that reaches as far back as it can, not a trap.
    static func start(before first: Int64, next: Int64) -> Int64 {
        let (step, stepOverflow) = next.subtractingReportingOverflow(first)
        if stepOverflow { return next > first ? .min : .max }
        let (start, overflow) = first.subtractingReportingOverflow(step)
        if overflow { return step > 0 ? .min : .max }
        return start
    }
}
