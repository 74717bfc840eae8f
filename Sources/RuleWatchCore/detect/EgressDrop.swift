/// An interval where the egress success rate fell, and how far.
public struct EgressDrop: Sendable, Hashable {
    /// The first interval (by the snapshot it ends at) that was down.
    public var onset: Int
    /// The last interval still down (the capture's last when it never recovered).
    public var end: Int
    /// The healthy rate before, and the mean rate while down.
    public var before: Double
    public var during: Double

    /// Finds the drops in `timeline` within `window`: an interval whose rate is at least
    /// `egress-drop` below the median of the healthy intervals before it; it lasts until the
    /// rate comes back within half that of the healthy level.
    static func find(in timeline: EgressTimeline, window: Range<Int>, thresholds t: AnalyzerThresholds) -> [EgressDrop] {
        var drops: [EgressDrop] = []
        var healthy: [Double] = []
        var open: (onset: Int, before: Double, rates: [Double], last: Int)?
        for s in window {
            guard let sample = timeline.samples[s], Double(sample.total) >= t.egressMinAttempts,
                  let rate = sample.rate else { continue }
            if var o = open {
                if rate >= o.before - t.egressDrop / 2 {
                    drops.append(EgressDrop(onset: o.onset, end: o.last, before: o.before, during: mean(o.rates)))
                    open = nil
                    healthy = [rate]
                } else {
                    o.rates.append(rate)
                    o.last = s
                    open = o
                }
                continue
            }
            let recent = healthy.suffix(Int(t.baselineIntervals.rounded()))
            if !recent.isEmpty {
                let reference = median(Array(recent))
                let missed = (reference - rate) * Double(sample.total)
                if reference - rate >= t.egressDrop, missed >= min(t.egressMinAttempts, Double(sample.total)) {
                    open = (s, reference, [rate], s)
                    continue
                }
            }
            healthy.append(rate)
        }
        if let o = open { drops.append(EgressDrop(onset: o.onset, end: o.last, before: o.before, during: mean(o.rates))) }
        return drops
    }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func mean(_ v: [Double]) -> Double { v.isEmpty ? 0 : v.reduce(0, +) / Double(v.count) }
}
