import RuleWatchCore

extension HTMLReport {
    /// Geometry of one finding's chart, for the template to draw: bars of the rule's packets
    /// per interval (left axis), egress success as a line (right axis, 0-100 %), on one time
    /// axis, the onset a dashed line. `nil` when the analysis holds no series for the rule.
    func chart(for f: Finding) -> [String: Any]? {
        let t = result.timeline
        guard t.times.count >= 2, let perSnapshot = t.packets[f.ruleID] else { return nil }
        // A long capture is drawn in at most 180 slots, each summing a run of intervals, so a
        // week of minutes stays a page and not megabytes.
        let k = max(1, (t.times.count + 179) / 180)
        let n = (t.times.count + k - 1) / k
        func last(_ j: Int) -> Int { min(t.times.count - 1, (j + 1) * k - 1) }
        var packets = [UInt64?](repeating: nil, count: n)
        var egress = [EgressSample?](repeating: nil, count: n)
        for i in 0..<t.times.count {
            let j = i / k
            if let p = perSnapshot[i] { packets[j] = (packets[j] ?? 0) + p }
            if let e = t.egress[i] {
                egress[j] = EgressSample(ok: (egress[j]?.ok ?? 0) + e.ok, total: (egress[j]?.total ?? 0) + e.total)
            }
        }
        let width = 640.0, height = 220.0
        let left = 56.0, right = 80.0, top = 34.0, bottom = 34.0
        let plotW = width - left - right, plotH = height - top - bottom
        let slot = plotW / Double(n)
        let maxPackets = max(1, packets.compactMap { $0 }.max() ?? 0)
        func x(_ i: Int) -> Double { left + slot * (Double(i) + 0.5) }
        func r(_ v: Double) -> String { String(Double(Int(v * 10)) / 10) }
        let per = k == 1 ? "" : " in \(k) intervals"

        var bars: [[String: Any]] = []
        for (j, p) in packets.enumerated() {
            guard let p else { continue }
            let h = plotH * Double(p) / Double(maxPackets)
            bars.append(["x": r(x(j) - slot * 0.35), "y": r(top + plotH - h), "w": r(slot * 0.7), "h": r(max(h, p > 0 ? 1 : 0)),
                         "title": "until \(label(last(j))): \(p) packets\(per)"])
        }
        var points: [[String: Any]] = []
        var path = ""
        for (j, e) in egress.enumerated() {
            guard let e, let rate = e.rate else { continue }
            let y = top + plotH * (1 - rate)
            path += (path.isEmpty ? "M" : " L") + "\(r(x(j))) \(r(y))"
            points.append(["cx": r(x(j)), "cy": r(y), "title": "until \(label(last(j))): egress \(e.ok)/\(e.total) ok (\(Int((rate * 100).rounded()))%)"])
        }
        var chart: [String: Any] = [
            "width": Int(width), "height": Int(height),
            "plotLeft": r(left), "plotRight": r(width - right), "plotTop": r(top), "plotBottom": r(top + plotH),
            "bars": bars, "points": points, "egressPath": path,
            "maxPackets": maxPackets, "leftLabelX": r(left - 6), "rightLabelX": r(width - right + 6),
            "midY": r(top + plotH / 2),
            // First and last labels are kept on a phone (the rest hidden there), anchored inward.
            "xLabels": xLabels(n, x, last).enumerated().map { k, l in
                let edge = k == 0 || l.x >= x(n - 1)
                return ["x": r(l.x), "text": l.text, "role": edge ? "major" : "minor",
                        "anchor": k == 0 ? "start" : l.x >= x(n - 1) ? "end" : "middle"] as [String: Any]
            },
            "axisY": r(top + plotH + (n > 0 ? 22 : 14)),
            "caption": "Packets per interval of rule \(f.ruleID) (bars, left axis) and egress success (line, right axis)",
        ]
        if let since = f.since, let onset = t.times.firstIndex(of: since) {
            let ox = x(onset / k) - slot / 2
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
    func xLabels(_ n: Int, _ x: (Int) -> Double, _ last: (Int) -> Int) -> [(x: Double, text: String)] {
        let most = 6
        let step = max(1, (n + most - 1) / most)
        var picks = Array(stride(from: 0, to: n, by: step))
        if picks.last != n - 1 { if n - 1 - picks.last! < step / 2 + 1 { picks.removeLast() }; picks.append(n - 1) }
        return picks.map { (x($0), label(last($0))) }
    }
}
