/// One snapshot of a capture, without its rules.
public struct HistorySnapshot: Sendable, Hashable {
    public var index: Int
    /// Nanoseconds since the epoch; `nil` when the capture gave none.
    public var time: Int64?
    public var source: String
    public var line: Int
    /// Inline `# egress ok=N total=N`: the interval that ended at this snapshot.
    public var egress: EgressSample?
    /// `# tcp` lines: each network namespace's TCP counters as read at this snapshot.
    public var tcp: [TCPReading] = []
    /// Cut off: its last table did not end.
    public var partial = false
    /// Indices into `CaptureHistory.tables` of the tables it showed.
    public var tables: [Int] = []
}
