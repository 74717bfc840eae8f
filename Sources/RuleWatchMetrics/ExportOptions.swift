/// Which rules get series: a 33,000-rule kube-proxy node has tens of thousands of rules that
/// never count, and two series each would be most of a Prometheus server's budget for it.
public struct ExportOptions: Sendable, Hashable {
    /// Rules whose packet total is below this get no series (`--min-packets`; the CLI's
    /// default is 1: a rule that never matched a packet has nothing to plot). A rule a
    /// finding names is exported whatever the options.
    public var minPackets: UInt64
    /// Only rules whose counters moved within the history or retention (`--only-counting`).
    public var onlyCounting: Bool

    public init(minPackets: UInt64 = 0, onlyCounting: Bool = false) {
        self.minPackets = minPackets
        self.onlyCounting = onlyCounting
    }

    /// Whether `rule` gets its series.
    public func exports(_ rule: NodeMetrics.Rule) -> Bool {
        rule.packets >= minPackets && (!onlyCounting || rule.moved)
    }
}
