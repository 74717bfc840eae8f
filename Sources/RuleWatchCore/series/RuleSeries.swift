/// One rule's samples in snapshot order and the deltas between them.
///
/// Built rule by rule from `CaptureHistory` (`CaptureHistory.forEachSeries`), so the
/// analyzer holds one rule's deltas at a time.
public struct RuleSeries: Sendable {
    public var rule: Int
    /// Snapshots that showed the rule, in order.
    public var snapshots: [Int] = []
    /// Their packet counters.
    public var packets: [Counter] = []
    public var bytes: [Counter] = []
    /// A delta for each interval that ends at a snapshot showing the rule, when there was
    /// something to compare with (not for the first snapshot of the capture or of its table).
    public var deltas: [IntervalDelta] = []
    public var hasCounters = true

    /// The delta of the interval ending at `snapshot`.
    public func delta(at snapshot: Int) -> IntervalDelta? {
        var lo = 0
        var hi = deltas.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if deltas[mid].snapshot < snapshot { lo = mid + 1 } else { hi = mid }
        }
        return lo < deltas.count && deltas[lo].snapshot == snapshot ? deltas[lo] : nil
    }

    /// The interval in which the rule appeared mid-capture, if it did.
    public var appearedAt: Int? { deltas.first.flatMap { $0.appeared ? $0.snapshot : nil } }
}

extension CaptureHistory {
    /// The order of `samples` grouped by rule (a counting sort; capture order kept within a
    /// rule) and where each rule's group starts.
    func samplesByRule() -> (order: [Int32], starts: [Int32]) {
        var starts = [Int32](repeating: 0, count: rules.count + 1)
        for s in samples { starts[Int(s.rule) + 1] += 1 }
        for i in 0..<rules.count { starts[i + 1] += starts[i] }
        var fill = starts
        var order = [Int32](repeating: 0, count: samples.count)
        for (i, s) in samples.enumerated() {
            order[Int(fill[Int(s.rule)])] = Int32(i)
            fill[Int(s.rule)] += 1
        }
        return (order, starts)
    }

    /// Lends each rule's series, built from the samples in `window` (snapshot indices).
    func forEachSeries(in window: Range<Int>, _ body: (RuleSeries) -> Void) {
        let (order, starts) = samplesByRule()
        var series = RuleSeries(rule: 0)
        for rule in 0..<rules.count {
            series.rule = rule
            series.snapshots.removeAll(keepingCapacity: true)
            series.packets.removeAll(keepingCapacity: true)
            series.bytes.removeAll(keepingCapacity: true)
            series.deltas.removeAll(keepingCapacity: true)
            series.hasCounters = true
            let table = rules[rule].table
            for k in Int(starts[rule])..<Int(starts[rule + 1]) {
                let s = samples[Int(order[k])]
                let snap = Int(s.snapshot)
                guard window.contains(snap) else { continue }
                if !s.hasCounters { series.hasCounters = false }
                if let prevSnap = series.snapshots.last {
                    series.deltas.append(Self.delta(from: series.packets.last!, series.bytes.last!, to: s.packets, s.bytes,
                                                    snapshot: snap, seconds: seconds(prevSnap, snap)))
                } else if snap > window.lowerBound, snapshotShows(snap - 1, table: table) {
                    var d = Self.delta(from: .exact(0), .exact(0), to: s.packets, s.bytes,
                                       snapshot: snap, seconds: seconds(snap - 1, snap))
                    d.appeared = true
                    series.deltas.append(d)
                }
                series.snapshots.append(snap)
                series.packets.append(s.packets)
                series.bytes.append(s.bytes)
            }
            if !series.snapshots.isEmpty { body(series) }
        }
    }

    func seconds(_ from: Int, _ to: Int) -> Double? {
        guard let a = snapshots[from].time, let b = snapshots[to].time, b > a else { return nil }
        return Double(b - a) / 1e9
    }

    static func delta(from p0: Counter, _ b0: Counter, to p1: Counter, _ b1: Counter,
                      snapshot: Int, seconds: Double?) -> IntervalDelta {
        if p1.upper < p0.lower || b1.upper < b0.lower {
            return IntervalDelta(snapshot: snapshot, seconds: seconds, packets: p1.printed, bytes: b1.printed,
                                 packetsAtLeast: p1.lower, rose: p1.lower > 0, reset: true, appeared: false)
        }
        return IntervalDelta(snapshot: snapshot, seconds: seconds,
                             packets: p1.printed >= p0.printed ? p1.printed - p0.printed : 0,
                             bytes: b1.printed >= b0.printed ? b1.printed - b0.printed : 0,
                             packetsAtLeast: p1.lower > p0.upper ? p1.lower - p0.upper : 0,
                             rose: p1.lower > p0.lower, reset: false, appeared: false)
    }
}
