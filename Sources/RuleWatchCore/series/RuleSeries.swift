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
    /// The samples of the snapshots in `window`, numbered across them in capture order and
    /// grouped by rule (a counting sort; capture order kept within a rule); where each
    /// rule's group starts; and where each snapshot's numbers start (`firsts[s - lower]`,
    /// one more at the end).
    func samplesByRule(in window: Range<Int>) -> (order: [UInt32], starts: [Int32], firsts: [Int]) {
        let shown = window.clamped(to: 0..<chunks.count)
        var starts = [Int32](repeating: 0, count: rules.count + 1)
        var firsts = [0]
        for s in shown {
            firsts.append(firsts.last! + chunks[s].count)
            for r in chunks[s].rules { starts[Int(r & _SampleChunk.ruleMask) + 1] += 1 }
        }
        for i in 0..<rules.count { starts[i + 1] += starts[i] }
        var fill = starts
        var order = [UInt32](repeating: 0, count: firsts.last!)
        var number: UInt32 = 0
        for s in shown {
            for r in chunks[s].rules {
                let rule = Int(r & _SampleChunk.ruleMask)
                order[Int(fill[rule])] = number
                fill[rule] += 1
                number += 1
            }
        }
        return (order, starts, firsts)
    }

    /// Where each rule stands in the rule sequence every snapshot of `window` shares, when
    /// they all share one (a steady capture, see `_SampleChunk.share(with:)`) and no rule
    /// comes twice in it; `nil` otherwise.
    func sharedPositions(in window: Range<Int>) -> [Int32]? {
        let shown = window.clamped(to: 0..<chunks.count)
        guard let first = shown.first else { return nil }
        let sequence = chunks[first].rules
        for s in shown.dropFirst() where chunks[s].rules != sequence { return nil }
        var positions = [Int32](repeating: -1, count: rules.count)
        for (p, r) in sequence.enumerated() {
            let rule = Int(r & _SampleChunk.ruleMask)
            if positions[rule] >= 0 { return nil }
            positions[rule] = Int32(p)
        }
        return positions
    }

    /// Lends each rule's series, built from the samples in `window` (snapshot indices).
    func forEachSeries(in window: Range<Int>, _ body: (RuleSeries) -> Void) {
        let shown = window.clamped(to: 0..<chunks.count)
        let times = snapshots.map(\.time)
        func seconds(_ from: Int, _ to: Int) -> Double? {
            guard let a = times[from], let b = times[to], b > a else { return nil }
            return Double(b - a) / 1e9
        }
        // Time that went backwards or stood still (files out of order, a clock step, a
        // doubled timestamp; the parser warns of it): no delta, so no rate, over such an interval.
        func movesOn(_ from: Int, _ to: Int) -> Bool {
            guard let a = times[from], let b = times[to] else { return true }
            return b > a
        }
        var series = RuleSeries(rule: 0)
        series.snapshots.reserveCapacity(window.count)
        series.packets.reserveCapacity(window.count)
        series.bytes.reserveCapacity(window.count)
        series.deltas.reserveCapacity(window.count)
        var previous: (snapshot: Int, packets: Counter, bytes: Counter)?

        func begin(_ rule: Int) {
            series.rule = rule
            series.snapshots.removeAll(keepingCapacity: true)
            series.packets.removeAll(keepingCapacity: true)
            series.bytes.removeAll(keepingCapacity: true)
            series.deltas.removeAll(keepingCapacity: true)
            series.hasCounters = true
            previous = nil
        }
        func add(_ snap: Int, _ sample: (hasCounters: Bool, packets: Counter, bytes: Counter)) {
            if !sample.hasCounters { series.hasCounters = false }
            if let p = previous {
                if movesOn(p.snapshot, snap) {
                    series.deltas.append(Self.delta(from: p.packets, p.bytes, to: sample.packets, sample.bytes,
                                                    snapshot: snap, seconds: seconds(p.snapshot, snap)))
                }
            } else if snap > window.lowerBound, snapshotShows(snap - 1, table: rules[series.rule].table), movesOn(snap - 1, snap) {
                var d = Self.delta(from: .exact(0), .exact(0), to: sample.packets, sample.bytes,
                                   snapshot: snap, seconds: seconds(snap - 1, snap))
                d.appeared = true
                series.deltas.append(d)
            }
            previous = (snap, sample.packets, sample.bytes)
            series.snapshots.append(snap)
            series.packets.append(sample.packets)
            series.bytes.append(sample.bytes)
        }

        let steady = shown.count < 2 || (shown.lowerBound + 1..<shown.upperBound).allSatisfy { movesOn($0 - 1, $0) }
        if steady, let positions = sharedPositions(in: window) {
            // Every rule at the same place in every snapshot: no sort, and every series has
            // one sample per snapshot, so its arrays keep their size and are written in place.
            let count = shown.count
            let gaps = (1..<count).map { seconds(shown.lowerBound + $0 - 1, shown.lowerBound + $0) }
            series.snapshots = Array(shown)
            series.packets = [Counter](repeating: .exact(0), count: count)
            series.bytes = series.packets
            series.deltas = [IntervalDelta](repeating: Self.delta(from: .exact(0), .exact(0), to: .exact(0), .exact(0),
                                                                  snapshot: 0, seconds: nil), count: count - 1)
            for rule in 0..<rules.count where positions[rule] >= 0 {
                let at = Int(positions[rule])
                var hasCounters = true
                series.packets.withUnsafeMutableBufferPointer { packets in
                    series.bytes.withUnsafeMutableBufferPointer { bytes in
                        series.deltas.withUnsafeMutableBufferPointer { deltas in
                            for k in 0..<count {
                                let sample = chunks[shown.lowerBound + k].sample(at)
                                if !sample.hasCounters { hasCounters = false }
                                packets[k] = sample.packets
                                bytes[k] = sample.bytes
                                if k > 0 {
                                    deltas[k - 1] = Self.delta(from: packets[k - 1], bytes[k - 1], to: sample.packets, sample.bytes,
                                                               snapshot: shown.lowerBound + k, seconds: gaps[k - 1])
                                }
                            }
                        }
                    }
                }
                series.rule = rule
                series.hasCounters = hasCounters
                body(series)
            }
            return
        }
        let (order, starts, firsts) = samplesByRule(in: window)
        for rule in 0..<rules.count {
            let group = Int(starts[rule])..<Int(starts[rule + 1])
            if group.isEmpty { continue }
            begin(rule)
            // A rule's numbers rise with the snapshots: find each one's from the last.
            var offset = 0
            for k in group {
                let number = Int(order[k])
                while number >= firsts[offset + 1] { offset += 1 }
                add(shown.lowerBound + offset, chunks[shown.lowerBound + offset].sample(number - firsts[offset]))
            }
            body(series)
        }
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
