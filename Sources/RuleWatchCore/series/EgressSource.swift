/// Where an analysis took its egress success rate from: reports say it (`egress_source` in
/// the JSON), since the same counters read differently with and without one.
public enum EgressSource: String, Sendable, Hashable, CaseIterable {
    /// An egress CSV (`time,ok,total`) that covers at least one of the capture's snapshots.
    case csv
    /// The capture's own `# egress ok=N total=N` lines.
    case inline
    /// A probe that opens connections on purpose.
    case probe
    /// Estimated from the pods' own TCP counters (`# tcp` lines): see `PassiveEgress`.
    case passive
    /// No egress signal: what the counters alone show.
    case none

    /// How text reports name it.
    public var phrase: String {
        switch self {
        case .csv: return "egress success from the egress CSV"
        case .inline: return "egress success from the capture's `# egress` lines"
        case .probe: return "egress success from the egress probe"
        case .passive: return "egress success estimated from the pods' TCP counters"
        case .none: return "no egress signal: findings from the counters alone"
        }
    }
}
