/// The time axis of an analysis, for reports that draw it: per snapshot of the window its
/// time and egress, per rule an entry names its packets per interval, the egress drops, and
/// which rules came and went around each drop's onset. Filled in when the analyzer is asked
/// for it (`Analyzer.analyze(..., timeline: true)`); the text and JSON reports do not need it.
public struct AnalysisTimeline: Sendable {
    /// Index of the window's first snapshot in the capture (0-based).
    public var firstSnapshot = 0
    /// Per snapshot of the window: nanoseconds since the epoch, if known.
    public var times: [Int64?] = []
    /// Per snapshot of the window: the egress of the interval that ended there.
    public var egress: [EgressSample?] = []
    /// Per rule id of an entry: packets in the interval that ended at each snapshot of the
    /// window; `nil` where the rule was not shown or the interval has no delta.
    public var packets: [String: [UInt64?]] = [:]
    /// The egress drops, their snapshots counted within the whole capture.
    public var drops: [EgressDrop] = []
    /// Rules that appeared or vanished within an interval of a drop's onset.
    public var changes: [RulesetChange] = []
    /// The dump formats the capture held (`listing`, `save`, ...), in order of first sight.
    public var formats: [String] = []

    public init() {}

    /// The window's index of capture snapshot `s`, if it is in the window.
    public func position(ofSnapshot s: Int) -> Int? {
        let i = s - firstSnapshot
        return i >= 0 && i < times.count ? i : nil
    }
}

/// Rules that came or went at one snapshot.
public struct RulesetChange: Sendable, Hashable {
    /// The capture's snapshot (0-based) that first showed the change.
    public var snapshot: Int
    public var time: Int64?
    public var appeared: [RuleRef]
    public var vanished: [RuleRef]

    public init(snapshot: Int, time: Int64?, appeared: [RuleRef], vanished: [RuleRef]) {
        self.snapshot = snapshot; self.time = time; self.appeared = appeared; self.vanished = vanished
    }
}

/// A rule named as reports name it.
public struct RuleRef: Sendable, Hashable {
    public var id: String
    public var table: String
    public var chain: String
    public var target: String
    public var rule: String

    public init(id: String, table: String, chain: String, target: String, rule: String) {
        self.id = id; self.table = table; self.chain = chain; self.target = target; self.rule = rule
    }
}
