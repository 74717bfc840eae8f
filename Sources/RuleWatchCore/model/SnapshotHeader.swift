/// What is known of a snapshot before its tables: when it was taken and how egress fared.
public struct SnapshotHeader: Sendable, Hashable {
    /// 0-based, in capture order.
    public var index: Int
    /// Nanoseconds since the Unix epoch; `nil` when the capture gave no time for it.
    public var time: Int64?
    /// The file and line the snapshot began at.
    public var source: String
    public var line: Int
    /// `# egress ok=N total=N` given inline after the snapshot's timestamp.
    public var egress: EgressSample?
    /// `# tcp ns=ID ...` lines after the snapshot's timestamp: every namespace's TCP counters.
    public var tcp: [TCPReading]

    public init(index: Int, time: Int64?, source: String, line: Int, egress: EgressSample? = nil,
                tcp: [TCPReading] = []) {
        self.index = index
        self.time = time
        self.source = source
        self.line = line
        self.egress = egress
        self.tcp = tcp
    }
}

/// Connection attempts in one interval: how many succeeded, of how many.
public struct EgressSample: Sendable, Hashable, Codable {
    public var ok: UInt64
    public var total: UInt64

    public init(ok: UInt64, total: UInt64) {
        self.ok = ok
        self.total = total
    }

    /// Success rate 0...1; `nil` when nothing was attempted.
    public var rate: Double? { total == 0 ? nil : Double(ok) / Double(total) }
}
