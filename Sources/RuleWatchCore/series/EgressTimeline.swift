/// Egress success per interval, lined up with a capture's snapshots: `samples[s]` is the
/// interval that ended at snapshot `s`.
public struct EgressTimeline: Sendable {
    public var samples: [EgressSample?]

    /// From the CSV when given (rows falling between two snapshots' times), else from the
    /// snapshots' inline `# egress` lines.
    public init(history: CaptureHistory, csv: EgressSeries?) {
        var out = [EgressSample?](repeating: nil, count: history.snapshots.count)
        var previousTime: Int64?
        for (i, s) in history.snapshots.enumerated() {
            if let csv, !csv.rows.isEmpty, let t = s.time {
                out[i] = csv.sample(after: previousTime, upTo: t)
            } else {
                out[i] = s.egress
            }
            if let t = s.time { previousTime = t }
        }
        samples = out
    }

    public var isEmpty: Bool { !samples.contains { $0?.rate != nil } }

    public func rate(_ s: Int) -> Double? { s >= 0 && s < samples.count ? samples[s]?.rate : nil }
}
