import RuleWatchCore

/// What the egress probe's connections did.
public struct ProbeResult: Sendable {
    public struct PerEndpoint: Sendable {
        public var endpoint: ProbeEndpoint
        public var ok: Int
        public var total: Int
        /// Why the last failed connection failed (`Connection refused`, `timed out after 2s`).
        public var lastFailure: String?
    }

    public var endpoints: [PerEndpoint]
    /// Said about the probe: connections that failed, a probe from the node's own namespace.
    public var messages: [CollectMessage]

    /// All endpoints together: the capture's `# egress ok=N total=N`.
    public var sample: EgressSample {
        EgressSample(ok: UInt64(endpoints.reduce(0) { $0 + $1.ok }), total: UInt64(endpoints.reduce(0) { $0 + $1.total }))
    }
}
