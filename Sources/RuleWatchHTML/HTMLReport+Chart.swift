import RuleWatchCore

extension HTMLReport {
    /// Geometry of one finding's chart, for the template to draw: bars of the rule's packets
    /// per interval (left axis), egress success as a line (right axis, 0-100 %), on one time
    /// axis, the onset a dashed line. `nil` when the analysis holds no series for the rule.
    func chart(for f: Finding) -> [String: Any]? {
        let t = result.timeline
        let n = t.times.count
        guard n >= 2, let packets = t.packets[f.ruleID] else { return nil }
        let width = 640.0, height = 220.0
        let left = 56.0, right = 80.0, top = 34.0, bottom = 34.0
        let plotW = width - left - right, plotH = height - top - bottom
        let slot = plotW / Double(n)
        let maxPackets = max(1, packets.compactMap { $0 }.max() ?? 0)
        func x(_ i: Int) -> Double { left + slot * (Double(i) + 0.5) }
        func r(_ v: Double) -> String { String(Double(Int(v * 10)) / 10) }

        var bars: [[String: Any]] = []
        for (i, p) in packets.enumerated() {
            guard let p else { continue }
            let h = plotH * Double(p) / Double(maxPackets)
            bars.append(["x": r(x(i) - slot * 0.35), "y": r(top + plotH - h), "w": r(slot * 0.7), "h": r(max(h, p > 0 ? 1 : 0)),
                         "title": "\(label(i)): \(p) packets"])
        }
        var points: [[String: Any]] = []
        var path = ""
        for (i, e) in t.egress.enumerated() {
            guard let e, let rate = e.rate else { continue }
            let y = top + plotH * (1 - rate)
            path += (path.isEmpty ? "M" : " L") + "\(r(x(i))) \(r(y))"
            points.append(["cx": r(x(i)), "cy": r(y), "title": "\(label(i)): egress \(e.ok)/\(e.total) ok (\(Int((rate * 100).rounded()))%)"])
        }
        var chart: [String: Any] = [
            "width": Int(width), "height": Int(height),
            "plotLeft": r(left), "plotRight": r(width - right), "plotTop": r(top), "plotBottom": r(top + plotH),
            "bars": bars, "points": points, "egressPath": path,
            "maxPackets": maxPackets, "leftLabelX": r(left - 6), "rightLabelX": r(width - right + 6),
            "midY": r(top + plotH / 2),
            // First and last labels are kept on a phone (the rest hidden there), anchored inward.
            "xLabels": xLabels(n, x).enumerated().map { k, l in
                let edge = k == 0 || l.x >= x(n - 1)
                return ["x": r(l.x), "text": l.text, "role": edge ? "major" : "minor",
                        "anchor": k == 0 ? "start" : l.x >= x(n - 1) ? "end" : "middle"] as [String: Any]
            },
            "axisY": r(top + plotH + (n > 0 ? 22 : 14)),
            "caption": "Packets per interval of rule \(f.ruleID) (bars, left axis) and egress success (line, right axis)",
        ]
        if let since = f.since, let onset = t.times.firstIndex(of: since) {
            let ox = x(onset) - slot / 2
            // The label sits above the plot, right of the line, or left of it near the right edge.
            let anchorEnd = ox > left + plotW * 0.7
            chart["onset"] = ["x": r(ox), "labelX": r(anchorEnd ? ox - 4 : ox + 4), "labelY": r(top - 8),
                              "anchor": anchorEnd ? "end" : "start", "text": "onset " + label(onset)] as [String: Any]
        }
        return chart
    }

    /// `HH:MM:SS` of the interval ending at window position `i`, or its snapshot number.
    func label(_ i: Int) -> String {
        let t = result.timeline
        guard i < t.times.count, let ns = t.times[i] else { return "snapshot \(t.firstSnapshot + i + 1)" }
        let iso = CivilTime.iso8601(nanoseconds: ns)
        let parts = iso.split(separator: "T")
        return parts.count == 2 ? String(parts[1].prefix(8)) : iso
    }

    /// A few time labels that do not overlap: first, last and evenly between.
    func xLabels(_ n: Int, _ x: (Int) -> Double) -> [(x: Double, text: String)] {
        let most = 6
        let step = max(1, (n + most - 1) / most)
        var picks = Array(stride(from: 0, to: n, by: step))
        if picks.last != n - 1 { if n - 1 - picks.last! < step / 2 + 1 { picks.removeLast() }; picks.append(n - 1) }
        return picks.map { (x($0), label($0)) }
    }
}
