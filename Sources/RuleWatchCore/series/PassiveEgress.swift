/// Egress success estimated from the pods' own TCP counters (`# tcp` lines), for captures
/// with no probe, CSV or inline egress.
///
/// Per interval and per namespace, the deltas of the counters (`TCPDelta`: a namespace new
/// since the previous reading counts from zero, one that vanished stops, none goes
/// negative). Then, for the pods together (every namespace but the host's), new connections
/// and how many of them failed:
///
/// ```
/// interval   active  fails  synretrans   baseline   failed         estimate
///   3          40      0        2       0.05 x 40   0              40/40 ok
///   4          40     30        1       0.05 x 40   30             10/40 (REDIRECT, REJECT)
///   5          40      0       31       0.05 x 40   31 - 2 = 29    11/40 (DROP)
/// ```
///
/// `failed` is the larger of `fails` and the retransmissions beyond the baseline, not their
/// sum: a REJECT's ICMP replies are rate limited (six at once, then one a second), so many
/// refused connections are refused only after a retransmission and show in both. Taking the
/// larger counts each connection once when one kind of failure dominates, and undercounts
/// when a DROP and a REJECT strike at once.
///
///
/// A REDIRECT to a dead port or a REJECT answers the SYN at once: `fails` counts it in the
/// interval it happened. A DROP answers nothing: the kernel sends the SYN again after a
/// second, and again, and counts the attempt as failed only when it gives up, two minutes
/// later (never, when the client gives up first). So each SYN retransmission beyond the
/// baseline counts as a connection that stalled, in the interval it was sent.
///
/// The baseline tells a DROP from a lossy but working network: there a lost SYN (or SYN-ACK)
/// is sent again once and gets through, so retransmissions stay a steady small fraction of
/// new connections. The baseline is the median of that fraction over the last five
/// intervals in which it stayed at most `lossCeiling` and within twice the baseline (plus
/// 0.05); retransmissions up to it are loss, not failures. A DROP lifts the fraction far
/// above it at once, and does not become the baseline while it lasts.
///
/// A retransmission stands for one stalled connection: exact for clients that give up
/// within two seconds of silence; a client that waits longer retries about once a second for
/// five seconds and then less often, so its stall counts several times (capped at the
/// interval's connections): then the estimate is a lower bound, and a DROP still shows in
/// the interval it began.
public struct PassiveEgress: Sendable {
    /// `deltas[s]`: every namespace's deltas over the interval ending at snapshot `s`
    /// (empty for the first snapshot read and for snapshots without `# tcp` lines).
    public var deltas: [[TCPDelta]]
    /// `samples[s]`: the pods' estimate for that interval; `nil` where nothing was read.
    public var samples: [EgressSample?]
    /// Distinct pod namespaces (all but the host's) seen in the capture.
    public var podNamespaces: Int

    /// Retransmissions per new connection above this are never taken for plain loss.
    public static let lossCeiling = 0.25
    static let baselineIntervals = 5
    /// The loss assumed before the capture has shown its own (a few percent), weighed as
    /// this many connections: a few quiet intervals outweigh it.
    static let priorLoss = 0.05
    static let priorConnections = 10.0

    /// Retransmissions per new connection in plain loss: pooled over the quiet intervals,
    /// with the prior mixed in (one small interval without a retransmission does not prove a
    /// lossless network).
    static func baseline(_ quiet: ArraySlice<(opened: UInt64, retrans: UInt64)>) -> Double {
        let opened = quiet.reduce(0.0) { $0 + Double($1.opened) }
        let retrans = quiet.reduce(0.0) { $0 + Double($1.retrans) }
        return (retrans + priorLoss * priorConnections) / (opened + priorConnections)
    }

    public init(history: CaptureHistory) {
        self.init(readings: history.snapshots.map(\.tcp))
    }

    /// - Parameter readings: per snapshot, the namespaces' readings (empty: none taken).
    public init(readings: [[TCPReading]]) {
        deltas = Array(repeating: [], count: readings.count)
        samples = Array(repeating: nil, count: readings.count)
        var previous: [String: TCPReading]?
        var pods = Set<String>()
        // Opens and retransmissions of the recent intervals that were plain loss.
        var quiet: [(opened: UInt64, retrans: UInt64)] = []
        for (s, current) in readings.enumerated() where !current.isEmpty {
            for r in current where !r.isHost { pods.insert(r.namespace) }
            defer { previous = Dictionary(current.map { ($0.namespace, $0) }, uniquingKeysWith: { a, _ in a }) }
            guard let previous else { continue }
            let d = current.map { TCPDelta(from: previous[$0.namespace], to: $0) }
            deltas[s] = d
            let podDeltas = d.filter { !$0.isHost }
            let opened = podDeltas.reduce(0) { $0 &+ $1.active }
            let failed = podDeltas.reduce(0) { $0 &+ $1.fails }
            let refused = podDeltas.reduce(0) { $0 &+ $1.refused }
            let retrans = podDeltas.reduce(0) { $0 &+ $1.synRetrans }
            let baseline = Self.baseline(quiet.suffix(Self.baselineIntervals))
            let expected = baseline * Double(opened)
            let allowed = UInt64((expected + 2 * expected.squareRoot()).rounded(.up))
            let stalled = retrans > allowed ? retrans - allowed : 0
            // Refused at once: no retransmission. The rest of the failures may have come after
            // one (the node's ICMP replies are rate limited) and then count among the stalls
            // too: the larger of the two counts each connection once.
            let lost = min(opened, refused &+ max(failed - refused, stalled))
            samples[s] = EgressSample(ok: opened - lost, total: opened)
            if opened > 0 {
                let ratio = Double(retrans) / Double(opened)
                // A partial DROP that stays below the ceiling must not become the baseline.
                if ratio <= Self.lossCeiling && ratio <= 2 * baseline + 0.05 { quiet.append((opened, retrans)) }
            }
        }
        podNamespaces = pods.count
    }

    public var isEmpty: Bool { !samples.contains { $0 != nil } }
}
