/// `climb-with-egress-drop`: a rule whose packet count rises from (near) zero or steps up
/// when the egress success rate drops.
///
/// Critical when the rule diverts or discards traffic; a jump or accept that climbs with it
/// (retries pass KUBE-SERVICES too) is at most a warning and ranks below. A diverting rule
/// that appeared in the same interval as a critical rule and catches egress ports is
/// critical too, however few its packets: installers add rules in sets.
///
/// A diverting rule that only carries on the traffic of one that left in the same interval
/// (kube-proxy moving a service to a new endpoint: a new KUBE-SEP chain and DNAT, the old
/// ones gone) is a takeover, not a culprit: its climb is a warning that says so.
struct ClimbWithEgressDropDetector: Detector {
    struct Climb {
        var rule: Int
        var drop: Int
        var onset: Int
        var risesFromZero: Bool
        var before: Double
        var after: Double
        var appearedAt: Int?
        var packets: UInt64
        var bytes: UInt64
        var evidence: [EvidenceValue]
    }

    struct Appearance {
        var rule: Int
        var at: Int
        var packets: UInt64
        var bytes: UInt64
        var evidence: [EvidenceValue]
    }

    /// A harmful rule seen for the last time before the capture's end.
    struct Departure {
        var rule: Int
        var lastSnapshot: Int
    }

    var climbs: [Climb] = []
    var appearances: [Appearance] = []
    var departures: [Departure] = []

    mutating func observe(_ series: RuleSeries, in context: AnalysisContext) {
        guard series.hasCounters, !context.drops.isEmpty else { return }
        let t = context.thresholds
        if let last = series.snapshots.last, last + 1 < context.window.upperBound,
           context.targetClasses[series.rule].isHarmful {
            departures.append(Departure(rule: series.rule, lastSnapshot: last))
        }
        if let at = series.appearedAt, context.targetClasses[series.rule] == .divert,
           context.rule(series.rule).traits.catchesEgress {
            let total = series.packets.last!.printed
            appearances.append(Appearance(rule: series.rule, at: at, packets: total, bytes: series.bytes.last!.printed,
                                          evidence: Self.deltaEvidence(series, around: at, context)))
        }
        let w = Int(t.onsetWindow.rounded())
        for (di, drop) in context.drops.enumerated() {
            var offsets = [0]
            if w > 0 { for k in 1...w { offsets += [-k, k] } }
            for off in offsets {
                let c = drop.onset + off
                if let climb = evaluate(series, onset: c, drop: di, context) {
                    climbs.append(climb)
                    break
                }
            }
        }
    }

    private func evaluate(_ series: RuleSeries, onset c: Int, drop: Int, _ context: AnalysisContext) -> Climb? {
        let t = context.thresholds
        guard let dc = series.delta(at: c), dc.rose, Double(dc.packets) >= t.climbMinPackets else { return nil }
        let first = series.snapshots[0]
        var before: [Double] = []
        var beforeMaxPackets: UInt64 = 0
        if !dc.appeared {
            let from = max(context.window.lowerBound + 1, c - Int(t.baselineIntervals.rounded()))
            for s in stride(from: from, to: c, by: 1) {
                if let d = series.delta(at: s) {
                    before.append(d.rate)
                    if d.rose { beforeMaxPackets = max(beforeMaxPackets, d.packets) }
                } else if s < first {
                    before.append(0)
                }
            }
            guard !before.isEmpty else { return nil }
        }
        var after: [Double] = []
        for s in c...(c + 2) { if let d = series.delta(at: s) { after.append(d.rate) } }
        let beforeRate = EgressDrop.mean(before)
        let afterRate = EgressDrop.mean(after)
        let quiet = Double(beforeMaxPackets) < t.climbMinPackets || beforeRate <= t.nearZero * afterRate
        let stepped = afterRate >= t.stepFactor * beforeRate
        guard quiet || stepped else { return nil }
        let onset = quiet || series.appearedAt != nil
            ? Self.leadingOnset(series, climb: c, drop: context.drops[drop].onset, context) : c
        return Climb(rule: series.rule, drop: drop, onset: onset, risesFromZero: quiet, before: beforeRate, after: afterRate,
                     appearedAt: series.appearedAt, packets: series.packets.last!.printed,
                     bytes: series.bytes.last!.printed, evidence: Self.deltaEvidence(series, around: c, context))
    }

    /// Where a climb from zero (or a new rule's climb) began: a rule put in near an interval's
    /// end counts only a few packets in it (a DROP sees a SYN or two and their retries), under
    /// `climb-min-packets` or too few to stand out, and climbs only in the next, where egress
    /// falls. The climb found at `c` is moved back over such a lead-in: intervals right before
    /// it in which the rule rose by at least a packet, starting where it appeared or had been
    /// silent, no earlier than `onset-window` before the egress drop. It only dates a climb
    /// already found; a rule that never climbs is never one.
    static func leadingOnset(_ series: RuleSeries, climb c: Int, drop: Int, _ context: AnalysisContext) -> Int {
        let earliest = max(context.window.lowerBound, drop - Int(context.thresholds.onsetWindow.rounded()))
        var onset = c
        while onset - 1 >= earliest, let d = series.delta(at: onset - 1), d.rose, d.packets > 0 {
            onset -= 1
        }
        // The lead-in must start from silence: the rule's first interval, or one without packets.
        if onset < c, let d = series.delta(at: onset), !d.appeared,
           let before = series.delta(at: onset - 1), before.rose, before.packets > 0 {
            return c
        }
        return onset
    }

    /// The rule's deltas from a few intervals before `snapshot` to a few after.
    static func deltaEvidence(_ series: RuleSeries, around snapshot: Int, _ context: AnalysisContext) -> [EvidenceValue] {
        series.deltas.filter { abs($0.snapshot - snapshot) <= 5 }.map { d in
            .object([
                EvidenceField("until", .time(context.time(d.snapshot))),
                EvidenceField("packets", .uint(d.packets)),
                EvidenceField("bytes", .uint(d.bytes)),
                EvidenceField("pps", .rounded(d.rate)),
                EvidenceField("egress", .rounded(context.egressRate(d.snapshot))),
            ] + (d.appeared ? [EvidenceField("appeared", .bool(true))] : [])
              + (d.reset ? [EvidenceField("reset", .bool(true))] : []))
        }
    }

    mutating func findings(in context: AnalysisContext) -> [Finding] {
        var out: [Finding] = []
        var critical: [Int: (score: Double, appearedAt: Int?, onset: Int, drop: Int)] = [:]
        for c in climbs {
            let r = context.rule(c.rule)
            let cls = context.targetClasses[c.rule]
            let drop = context.drops[c.drop]
            let align = c.onset == drop.onset ? 1.0 : 0.75
            let strength = c.risesFromZero ? 1.0 : 0.6
            let newness = c.appearedAt.map { abs($0 - c.onset) <= 1 } == true ? 1.0 : 0.85
            let size = min(1, max(0, drop.before - drop.during) / 0.5)
            let hazard = context.isHazard(c.rule)
            let q = align * strength * newness * (hazard ? 1 : 0.9) * (0.7 + 0.3 * size)
            let severity: Severity
            let score: Double
            let predecessor = takeover(c, context)
            if cls.isHarmful && !r.isPolicy && predecessor == nil {
                severity = .critical
                score = 0.8 + 0.2 * q
            } else if predecessor != nil {
                severity = .warning
                score = 0.3 + 0.2 * q
            } else if r.isPolicy && cls == .discard && Self.switched(c) {
                // The policy itself became DROP as egress fell (Docker sets FORWARD to DROP
                // on a node that forwards pod traffic): it is the rule that changed.
                severity = .critical
                score = 0.8 + 0.2 * q
            } else if r.isPolicy && cls == .discard {
                severity = .warning
                score = 0.5 + 0.1 * q
            } else if c.risesFromZero && !r.isPolicy {
                severity = .warning
                score = 0.3 + 0.2 * q
            } else {
                continue
            }
            if severity == .critical {
                let best = critical[c.rule]
                if best == nil || best!.score < score { critical[c.rule] = (score, c.appearedAt, c.onset, c.drop) }
            }
            out.append(finding(c, severity: severity, score: score, hazard: hazard, replacing: predecessor, context))
        }
        // Keep one finding per rule: its best.
        out.sort(by: Finding.ranksBefore)
        var seen = Set<Int>()
        out = out.filter { seen.insert($0.ruleIndex ?? -1).inserted }

        // Companions: diverting rules that came in the same interval as a critical one.
        for a in appearances where critical[a.rule] == nil && takeover(rule: a.rule, appearedAt: a.at, context) == nil {
            guard let main = critical.values.filter({ m in m.appearedAt == a.at || m.onset == a.at })
                .max(by: { $0.score < $1.score }) else { continue }
            let r = context.rule(a.rule)
            let drop = context.drops[main.drop]
            let explanation = Explanation.action(r, chain: context.chain(of: r), table: context.table(of: r),
                                                 targetClass: context.targetClasses[a.rule])
                + " It appeared in the same interval as a rule eating egress traffic and catches egress ports \(r.traits.egressPortsCaught.map(String.init).joined(separator: ", ")); it has \(a.packets) packets only because little traffic used them."
            out.removeAll { $0.ruleIndex == a.rule }
            out.append(context.finding("climb-with-egress-drop", .critical, score: max(0.8, main.score - 0.01),
                                       rule: a.rule, since: context.time(a.at), explanation: explanation,
                                       evidence: [
                                           EvidenceField("companion_of_interval", .time(context.time(a.at))),
                                           EvidenceField("appeared", .time(context.time(a.at))),
                                           EvidenceField("packets", .uint(a.packets)),
                                           EvidenceField("bytes", .uint(a.bytes)),
                                           EvidenceField("hazard", .bool(context.isHazard(a.rule))),
                                           EvidenceField("egress_before", .rounded(drop.before)),
                                           EvidenceField("egress_after", .rounded(drop.during)),
                                           EvidenceField("deltas", .array(a.evidence)),
                                       ]))
        }
        return out
    }

    /// The rule `c`'s rule took over from, if it appeared just as a rule of the same table and
    /// target, printed the same but for its numbers (addresses, ports, chain hashes), left.
    private func takeover(_ c: Climb, _ context: AnalysisContext) -> Int? {
        guard let appeared = c.appearedAt, abs(appeared - c.onset) <= 1 else { return nil }
        return takeover(rule: c.rule, appearedAt: appeared, context)
    }

    private func takeover(rule: Int, appearedAt appeared: Int, _ context: AnalysisContext) -> Int? {
        let r = context.rule(rule)
        var shape: String?
        for d in departures where d.lastSnapshot == appeared - 1 && d.rule != rule {
            let other = context.rule(d.rule)
            guard other.table == r.table, other.target == r.target else { continue }
            if shape == nil { shape = Self.shape(r.text) }
            if Self.shape(other.text) == shape { return d.rule }
        }
        return nil
    }

    /// A rule's text with its numbers read as `#`: every run of digits, and every long
    /// upper-case hash such as a kube-proxy chain's (`KUBE-SEP-ZX7GRIZKSNUQ3LAJ`, which a save
    /// prints in `-A` and `-j`). Endpoints swapped by a rewrite differ only there.
    static func shape(_ text: String) -> String {
        var out = ""
        var word: [Unicode.Scalar] = []
        func flush() {
            if word.count >= 12 && word.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) }) {
                out += "#"
            } else {
                var inDigits = false
                for ch in word {
                    if ("0"..."9").contains(ch) {
                        if !inDigits { out += "#" }
                        inDigits = true
                    } else {
                        out.unicodeScalars.append(ch)
                        inDigits = false
                    }
                }
            }
            word.removeAll(keepingCapacity: true)
        }
        for ch in text.unicodeScalars {
            if ch.properties.isAlphabetic || ("0"..."9").contains(ch) {
                word.append(ch)
            } else {
                flush()
                out.unicodeScalars.append(ch)
            }
        }
        flush()
        return out
    }

    private func finding(_ c: Climb, severity: Severity, score: Double, hazard: Bool, replacing predecessor: Int?,
                         _ context: AnalysisContext) -> Finding {
        let r = context.rule(c.rule)
        let table = context.table(of: r)
        let drop = context.drops[c.drop]
        var text = Explanation.action(r, chain: context.chain(of: r), table: table, targetClass: context.targetClasses[c.rule])
        let how = c.risesFromZero ? "began to climb from zero" : "stepped up \(Self.factor(c.after, c.before))"
        text += " Its counter \(how) at \(Explanation.clock(context.time(c.onset))), when egress success fell from \(Explanation.percent(drop.before)) to \(Explanation.percent(drop.during))."
        if r.isPolicy && Self.switched(c) {
            text += " The chain's policy became \(r.target) at \(Explanation.clock(context.time(c.appearedAt!))): what no rule above lets through is dropped now."
        }
        if let predecessor {
            text += " It replaced rule \(context.rule(predecessor).id), which left in the same interval (a rewrite, such as kube-proxy moving a service to a new endpoint), and carries its traffic on: not what broke egress."
        }
        if context.targetClasses[c.rule].isHarmful {
            text += Explanation.packetsMeaning(packets: c.packets, bytes: c.bytes,
                                               connections: Explanation.countsConnections(r, table: table))
        }
        var evidence: [EvidenceField] = [
            EvidenceField("onset", .time(context.time(c.onset))),
            EvidenceField("rises_from_zero", .bool(c.risesFromZero)),
            EvidenceField("pps_before", .rounded(c.before)),
            EvidenceField("pps_after", .rounded(c.after)),
            EvidenceField("egress_before", .rounded(drop.before)),
            EvidenceField("egress_after", .rounded(drop.during)),
            EvidenceField("egress_drop_at", .time(context.time(drop.onset))),
            EvidenceField("packets", .uint(c.packets)),
            EvidenceField("bytes", .uint(c.bytes)),
            EvidenceField("hazard", .bool(hazard)),
        ]
        if let at = c.appearedAt { evidence.append(EvidenceField("appeared", .time(context.time(at)))) }
        if let predecessor { evidence.append(EvidenceField("replaces", .string(context.rule(predecessor).id))) }
        if let to = r.traits.divertsTo { evidence.append(EvidenceField("diverts_to", .string(to))) }
        evidence.append(EvidenceField("deltas", .array(c.evidence)))
        return context.finding("climb-with-egress-drop", severity, score: score, rule: c.rule,
                               since: context.time(c.onset), explanation: text, evidence: evidence)
    }

    /// The climbing counter is a policy that was set when the climb began (a changed policy
    /// is a new `policy DROP` rule in the history).
    static func switched(_ c: Climb) -> Bool {
        c.appearedAt.map { abs($0 - c.onset) <= 1 } ?? false
    }

    static func factor(_ after: Double, _ before: Double) -> String {
        guard before > 0 else { return "from zero" }
        let f = after / before
        return f >= 10 ? "\(Int(f.rounded()))-fold" : "\((f * 10).rounded() / 10)-fold"
    }
}
