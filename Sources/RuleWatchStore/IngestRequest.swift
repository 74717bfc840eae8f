import Glibc
import RuleWatchCore

/// What `RuleStore.ingest` is asked to record, beyond the dumps themselves.
public struct IngestRequest: Sendable {
    /// The node the snapshots come from.
    public var source: String
    /// The snapshot's time (nanoseconds since the epoch) when the input is one dump; else the
    /// capture's own timestamps, else `now`.
    public var time: Int64?
    /// The egress of the interval that ended at the snapshot (one dump only).
    public var egress: EgressSample?
    public var parse: ParseOptions
    /// A rolling capture's last snapshot is taken once the file has been left alone this long.
    public var quietSeconds: Double
    /// The clock, for tests.
    public var now: Int64

    public static let defaultQuietSeconds: Double = 3

    public init(source: String, time: Int64? = nil, egress: EgressSample? = nil, parse: ParseOptions = ParseOptions(),
                quietSeconds: Double = IngestRequest.defaultQuietSeconds, now: Int64 = IngestRequest.clock()) {
        self.source = source
        self.time = time
        self.egress = egress
        self.parse = parse
        self.quietSeconds = quietSeconds
        self.now = now
    }

    /// Nanoseconds since the epoch, now.
    public static func clock() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

/// What an ingest did, snapshot by snapshot.
public struct IngestOutcome: Sendable, Hashable {
    /// Times of the snapshots stored.
    public var stored: [Int64] = []
    /// Rules each stored snapshot showed, and how many of them changed.
    public var rules: [Int] = []
    public var changed: [Int] = []
    /// Already in the store (same source and time): nothing written.
    public var alreadyStored: [Int64] = []
    /// Before the source's pruned history, or more than `RuleStore.lateLimit` snapshots back: not stored.
    public var older: [Int64] = []
    /// A rolling capture's last snapshot, still being written: left for the next run.
    public var leftForLater = 0
    /// A rolling capture with nothing new since the last run.
    public var nothingNew: [String] = []

    public init() {}
}
