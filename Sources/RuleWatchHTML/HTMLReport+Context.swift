import RuleWatchCore

extension HTMLReport {
    /// The template's data: dictionaries of strings, numbers and lists only.
    func context() -> [String: Any] {
        let t = result.timeline
        var entries: [[String: Any]] = []
        for (i, entry) in result.entries.enumerated() {
            let f = result.lead(entry)
            var e: [String: Any] = [
                "anchor": "entry-\(i + 1)",
                "severity": entry.isConsequence ? "downstream" : f.severity.rawValue,
                "label": entry.isConsequence ? "downstream" : f.severity.rawValue,
                "place": place(f),
                "ruleID": f.ruleID,
                "rule": v(f.rule),
                "explanation": v(f.explanation),
                "kinds": entry.findings.map { "\(result.findings[$0].kind) \(Self.decimals(result.findings[$0].score))" }
                    .joined(separator: ", "),
                "since": f.since.map { CivilTime.iso8601(nanoseconds: $0) } ?? "",
            ]
            if entry.isConsequence {
                e["consequenceOf"] = entry.consequenceOf.joined(separator: ", ")
            }
            let downstream = result.entries.filter { !f.ruleID.isEmpty && $0.consequenceOf.contains(f.ruleID) }
                .map { place(result.lead($0)) + " (" + result.lead($0).ruleID + ")" }
            if !downstream.isEmpty { e["downstream"] = downstream.joined(separator: "; ") }
            if i < maxCharts, let chart = chart(for: f) { e["chart"] = chart }
            if let steps = entry.nextSteps {
                e["steps"] = [
                    "groups": [("Confirm for one flow", steps.confirm), ("Watch the trace", steps.watch),
                               ("Take the trace out again", steps.undoConfirm), ("Check first", steps.check),
                               ("Remove the rule", steps.remove)]
                        .filter { !$0.1.isEmpty }
                        .map { ["title": $0.0, "commands": $0.1.map(v).joined(separator: "\n")] as [String: Any] },
                    "note": v(steps.note),
                ] as [String: Any]
            }
            entries.append(e)
        }
        let rows: [[String: Any]] = result.findings.map { f in
            ["severity": f.severity.rawValue, "kind": f.kind, "score": Self.decimals(f.score), "place": place(f),
             "ruleID": f.ruleID, "since": f.since.map { CivilTime.iso8601(nanoseconds: $0) } ?? ""]
        }
        let changes: [[String: Any]] = t.changes.map { c in
            ["snapshot": c.snapshot + 1, "time": c.time.map { CivilTime.iso8601(nanoseconds: $0) } ?? "",
             "appeared": c.appeared.map(ref), "vanished": c.vanished.map(ref)]
        }
        let times = t.times.compactMap { $0 }
        var read: [String: Any] = [
            "kind": self.read.kind,
            "inputs": self.read.inputs.isEmpty ? ["standard input"] : self.read.inputs.map(v),
            "snapshots": result.snapshots,
            "rules": result.rules,
            "formats": t.formats.joined(separator: ", "),
            "egress": Self.egressWords(result),
        ]
        if let first = times.first, let last = times.last {
            read["from"] = CivilTime.iso8601(nanoseconds: first)
            read["to"] = CivilTime.iso8601(nanoseconds: last)
        }
        let critical = result.findings.filter { $0.severity == .critical }.count
        return [
            "headline": headline(),
            "subline": "\(critical) critical finding\(critical == 1 ? "" : "s"), \(result.findings.count) in all, about \(result.entries.count) rule\(result.entries.count == 1 ? "" : "s").",
            "entries": entries,
            "hasEntries": !entries.isEmpty,
            "findings": rows,
            "changes": changes,
            "hasChanges": !changes.isEmpty,
            "read": read,
        ]
    }

    /// The top finding in words.
    func headline() -> String {
        guard let top = result.entries.first.map(result.lead) else {
            return "No findings: no rule's counters climbed as egress fell."
        }
        let when = top.since.map { " since " + CivilTime.iso8601(nanoseconds: $0) } ?? ""
        switch top.severity {
        case .critical:
            let others = result.entries.dropFirst().filter { result.lead($0).severity == .critical }.count
            let more = others == 0 ? "" : " (and \(others) more rule\(others == 1 ? "" : "s") with it)"
            return v("\(top.target) in \(top.table)/\(top.chain)") + " (rule \(top.ruleID)) is eating the node's traffic\(when)\(more)."
        default:
            return "Nothing critical. Top finding: \(top.kind) at \(place(top))\(when)."
        }
    }

    func place(_ f: Finding) -> String {
        var s = f.table.isEmpty ? "" : "\(f.table)/\(f.chain)"
        if !f.target.isEmpty { s += " " + f.target }
        return v(s.isEmpty ? f.kind : s)
    }

    /// A dump's text with control characters shown as `\x1b` (the template escapes markup).
    func v(_ s: String) -> String { AnalysisResult.visible(s) }

    func ref(_ r: RuleRef) -> [String: Any] {
        ["place": v("\(r.table)/\(r.chain) \(r.target)"), "ruleID": r.id, "rule": v(r.rule)]
    }

    /// Where the egress signal came from, in words.
    static func egressWords(_ r: AnalysisResult) -> String {
        switch r.egressSource {
        case .csv: return "the --egress CSV"
        case .inline: return "the capture's # egress lines"
        case .probe: return "a probe"
        case .passive: return "the pods' own TCP counters (passive), from \(r.egressNamespaces) pod namespace\(r.egressNamespaces == 1 ? "" : "s")"
        case .none: return "none: the counters alone"
        }
    }

    static func decimals(_ v: Double) -> String {
        let scaled = Int((v * 100).rounded())
        let frac = abs(scaled % 100)
        return "\(scaled / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}
