/// The node's egress success over time, from an egress CSV (`time,ok,total`).
public struct EgressSeries: Sendable, Hashable {
    public struct Row: Sendable, Hashable {
        /// Nanoseconds since the epoch.
        public var time: Int64
        public var sample: EgressSample
        public init(time: Int64, sample: EgressSample) { self.time = time; self.sample = sample }
    }

    public var rows: [Row]

    public init(rows: [Row] = []) { self.rows = rows.sorted { $0.time < $1.time } }

    /// The attempts of the rows whose time falls in `(after, upTo]`; `nil` when none does.
    func sample(after: Int64?, upTo: Int64) -> EgressSample? {
        var ok: UInt64 = 0
        var total: UInt64 = 0
        var any = false
        for row in rows where row.time <= upTo && (after.map { row.time > $0 } ?? true) {
            ok &+= row.sample.ok
            total &+= row.sample.total
            any = true
        }
        return any ? EgressSample(ok: ok, total: total) : nil
    }
}
