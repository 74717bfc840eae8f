/// Egress success per interval, lined up with a capture's snapshots: `samples[s]` is the
/// interval that ended at snapshot `s`.
public struct EgressTimeline: Sendable {
    public var samples: [EgressSample?]
    /// Which signal `samples` came from.
    public var source: EgressSource
    /// For `.passive`: the pods' namespaces the estimate was made from.
    public var passiveNamespaces = 0

    /// From the CSV when given (rows falling between two snapshots' times), else from the
    /// snapshots' inline `# egress` lines, else estimated from the pods' TCP counters
    /// (`# tcp` lines, `PassiveEgress`).
    public init(history: CaptureHistory, csv: EgressSeries?) {
        var out = [EgressSample?](repeating: nil, count: history.snapshots.count)
        var previousTime: Int64?
        let fromCSV = csv.map { !$0.rows.isEmpty } ?? false
        for (i, s) in history.snapshots.enumerated() {
            if let csv, fromCSV, let t = s.time {
                out[i] = csv.sample(after: previousTime, upTo: t)
            } else {
                out[i] = s.egress
            }
            if let t = s.time { previousTime = t }
        }
        samples = out
        source = fromCSV ? .csv : history.snapshots.contains { $0.egress != nil } ? .inline : .none
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
}
