/// The detectors' knobs, with defaults that fit the model incident (a REDIRECT of pod
/// traffic appended to nat PREROUTING) and stay quiet on a kube-proxy node.
public struct AnalyzerThresholds: Sendable, Hashable {
    /// `egress-drop`: how far the egress success rate must fall below its recent healthy
    /// level (0...1) to count as a drop.
    public var egressDrop = 0.2
    /// `egress-min-attempts`: intervals with fewer connection attempts say nothing.
    public var egressMinAttempts = 3.0
    /// `climb-min-packets`: packets a rule must gain in an interval to count as climbing.
    public var climbMinPackets = 3.0
    /// `near-zero`: a rule whose rate before was at most this fraction of its rate after
    /// "rose from zero".
    public var nearZero = 0.1
    /// `step-factor`: how many times its earlier rate a busy rule must reach to "step up".
    public var stepFactor = 3.0
    /// `onset-window`: how many intervals a rule's climb may lead or trail the egress drop.
    public var onsetWindow = 1.0
    /// `baseline-intervals`: how many intervals before an onset make the baseline.
    public var baselineIntervals = 5.0
    /// `drop-climb-factor` and `drop-climb-min-packets`: a discarding rule's rate step that
    /// `drop-climb` reports.
    public var dropClimbFactor = 4.0
    public var dropClimbMinPackets = 50.0
    /// `reset-chain-fraction`: the share of a chain's counting rules that must reset at once
    /// for the chain to count as rewritten (rather than one rule replaced).
    public var resetChainFraction = 0.5

    public init() {}

    /// The names a config file's `threshold NAME VALUE` lines use.
    public static let names = ["egress-drop", "egress-min-attempts", "climb-min-packets", "near-zero", "step-factor",
                               "onset-window", "baseline-intervals", "drop-climb-factor", "drop-climb-min-packets",
                               "reset-chain-fraction"]

    /// Sets a threshold by name; `false` for an unknown name.
    public mutating func set(_ name: String, _ value: Double) -> Bool {
        switch name {
        case "egress-drop": egressDrop = value
        case "egress-min-attempts": egressMinAttempts = value
        case "climb-min-packets": climbMinPackets = value
        case "near-zero": nearZero = value
        case "step-factor": stepFactor = value
        case "onset-window": onsetWindow = value
        case "baseline-intervals": baselineIntervals = value
        case "drop-climb-factor": dropClimbFactor = value
        case "drop-climb-min-packets": dropClimbMinPackets = value
        case "reset-chain-fraction": resetChainFraction = value
        default: return false
        }
        return true
    }
}
