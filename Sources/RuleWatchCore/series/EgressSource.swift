/// Where the egress success rate the analyzer lined up with the rules came from.
public enum EgressSource: String, Sendable, Hashable, CaseIterable {
    /// `--egress CSV`.
    case csv
    /// `# egress ok=N total=N` lines in the capture.
    case inline
    /// A probe that opens connections on purpose.
    case probe
    /// The pods' own TCP counters (`# tcp` lines): see `PassiveEgress`.
    case passive
    /// No egress signal: the counters alone.
    case none
}
