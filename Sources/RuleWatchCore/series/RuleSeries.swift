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
    /// Lends each rule's series, built from the samples in `window` (snapshot indices).
    ///
    /// The history keeps what changed (see `chunks`): a rule's series is its kept samples in
    /// the window, and between them its last sample again for every snapshot that showed it
    /// unchanged, until it vanished. Rules are visited in order; a rule the window never
    /// shows is skipped.
    ///
    /// - Parameter quiet: asked, instead of lending the series, of a rule whose series would be
    ///   one sample of zero counters shown unchanged over the whole window (so every delta
    ///   zero, none an appearance); when it returns true the series is neither built nor lent.
    ///   Most rules of a node never match (19,500 of kube-node's 33,000), and the analyzer
    ///   has nothing to say of them.
    func forEachSeries(in window: Range<Int>, quiet: (Int) -> Bool = { _ in false }, _ body: (RuleSeries) -> Void) {
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
        series.snapshots.reserveCapacity(shown.count)
        series.packets.reserveCapacity(shown.count)
        series.bytes.reserveCapacity(shown.count)
        series.deltas.reserveCapacity(shown.count)
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

        let opening = rulesBefore(shown.lowerBound)
        let kept = keptByRule(in: shown)
        let gone = vanishedByRule(in: shown)
        let count = shown.count
        let lower = shown.lowerBound
        // The interval ending at each snapshot of the window, from the one before.
        let gaps = (0..<count).map { $0 == 0 ? nil : seconds(lower + $0 - 1, lower + $0) }
        let unset = (hasCounters: false, packets: Counter.exact(0), bytes: Counter.exact(0))
        let mayBeQuiet = shown == window && count > 0
        for rule in 0..<rules.count {
            var k = Int(kept.starts[rule])
            let keptEnd = Int(kept.starts[rule + 1])
            var isShown = opening[rule][0] >= 0
            if !isShown && k == keptEnd { continue }
            var g = Int(gone.starts[rule])
            let goneEnd = Int(gone.starts[rule + 1])
            // Shown from the window's first snapshot to its last, never vanishing, with one
            // sample: the one before the window, or one kept at its first snapshot.
            if mayBeQuiet && g == goneEnd && keptEnd - k <= 1 {
                var only: (hasCounters: Bool, packets: Counter, bytes: Counter)?
                if k == keptEnd {
                    only = chunks[Int(opening[rule][0])].sample(Int(opening[rule][1]))
                } else if Int(kept.order[k]) < kept.firsts[1] {
                    only = chunks[lower].sample(Int(kept.order[k]) - kept.firsts[0])
                }
                if let only, only.hasCounters, only.packets.upper == 0, only.bytes.upper == 0, quiet(rule) { continue }
            }
            var last = isShown ? chunks[Int(opening[rule][0])].sample(Int(opening[rule][1])) : unset
            begin(rule)
            var offset = 0
            // The snapshot (offset in the window) of kept sample `k`: numbers rise with the
            // snapshots, so it is found from the last one.
            var keptAt = 0
            while offset < count {
                var nextKept = count
                if k < keptEnd {
                    let number = Int(kept.order[k])
                    while number >= kept.firsts[keptAt + 1] { keptAt += 1 }
                    nextKept = keptAt
                }
                if isShown {
                    // Shown unchanged until its next kept sample or until it vanishes: its last
                    // sample again, each interval a zero delta.
                    let nextGone = g < goneEnd ? Int(gone.snapshots[g]) - lower : count
                    let end = Swift.min(nextKept, nextGone)
                    if end > offset {
                        var from = offset
                        if previous == nil {
                            add(lower + from, last)
                            from += 1
                        }
                        if from < end {
                            if !last.hasCounters { series.hasCounters = false }
                            for o in from..<end where movesOn(lower + o - 1, lower + o) {
                                series.deltas.append(IntervalDelta(snapshot: lower + o, seconds: gaps[o], packets: 0, bytes: 0,
                                                                   packetsAtLeast: 0, rose: false, reset: false, appeared: false))
                            }
                            series.snapshots.append(contentsOf: (lower + from)..<(lower + end))
                            series.packets.append(contentsOf: repeatElement(last.packets, count: end - from))
                            series.bytes.append(contentsOf: repeatElement(last.bytes, count: end - from))
                            previous = (lower + end - 1, last.packets, last.bytes)
                        }
                        offset = end
                    }
                    if offset == count { break }
                    if offset == nextGone && offset != nextKept {
                        isShown = false
                        g += 1
                        offset += 1
                        continue
                    }
                } else {
                    // Not shown until its next kept sample, if any.
                    guard k < keptEnd else { break }
                    offset = nextKept
                }
                // Kept here: changed, appeared, or shown more than once.
                let snap = lower + offset
                let next = kept.firsts[offset + 1]
                repeat {
                    last = chunks[snap].sample(Int(kept.order[k]) - kept.firsts[offset])
                    add(snap, last)
                    k += 1
                } while k < keptEnd && Int(kept.order[k]) < next
                isShown = true
                offset += 1
            }
            if !series.snapshots.isEmpty { body(series) }
        }
    }

    /// Per rule, where its last kept sample before snapshot `lower` is (snapshot, index) when
    /// snapshot `lower - 1` showed it, `(-1, -1)` otherwise.
    private func rulesBefore(_ lower: Int) -> [SIMD2<Int32>] {
        var at = [SIMD2<Int32>](repeating: SIMD2(-1, -1), count: rules.count)
        for s in 0..<lower {
            let chunk = chunks[s]
            for i in 0..<chunk.count { at[chunk.rule(i)] = SIMD2(Int32(s), Int32(i)) }
            for r in chunk.vanished { at[Int(r)] = SIMD2(-1, -1) }
        }
        return at
    }

    /// The kept samples of the snapshots in `shown`, numbered across them in capture order
    /// and grouped by rule (a counting sort; capture order kept within a rule); where each
    /// rule's group starts; and where each snapshot's numbers start (`firsts[s - lower]`,
    /// one more at the end).
    private func keptByRule(in shown: Range<Int>) -> (order: [UInt32], starts: [Int32], firsts: [Int]) {
        var starts = [Int32](repeating: 0, count: rules.count + 1)
        var firsts = [0]
        firsts.reserveCapacity(shown.count + 1)
        for s in shown {
            let chunk = chunks[s]
            firsts.append(firsts.last! + chunk.count)
            for i in 0..<chunk.count { starts[chunk.rule(i) + 1] += 1 }
        }
        for i in 0..<rules.count { starts[i + 1] += starts[i] }
        var fill = starts
        var order = [UInt32](repeating: 0, count: firsts.last!)
        var number: UInt32 = 0
        for s in shown {
            let chunk = chunks[s]
            for i in 0..<chunk.count {
                let rule = chunk.rule(i)
                order[Int(fill[rule])] = number
                fill[rule] += 1
                number += 1
            }
        }
        return (order, starts, firsts)
    }

    /// The snapshots in `shown` at which each rule vanished, grouped by rule, ascending, and
    /// where each rule's group starts.
    private func vanishedByRule(in shown: Range<Int>) -> (snapshots: [Int32], starts: [Int32]) {
        var starts = [Int32](repeating: 0, count: rules.count + 1)
        for s in shown {
            for r in chunks[s].vanished { starts[Int(r) + 1] += 1 }
        }
        for i in 0..<rules.count { starts[i + 1] += starts[i] }
        var fill = starts
        var snapshots = [Int32](repeating: -1, count: Int(starts[rules.count]))
        for s in shown {
            for r in chunks[s].vanished {
                snapshots[Int(fill[Int(r)])] = Int32(s)
                fill[Int(r)] += 1
            }
        }
        return (snapshots, starts)
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
