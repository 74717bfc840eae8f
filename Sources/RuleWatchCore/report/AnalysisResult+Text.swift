extension AnalysisResult {
    /// The findings for a person: ranked, a few lines each, wrapped to `width` columns.
    ///
    /// - Parameter color: ANSI colours for the severities (the CLI decides: a terminal and
    ///   no `NO_COLOR`).
    public func text(color: Bool = false, width: Int = 80) -> String {
        let width = max(40, width)
        var out = summaryLine() + "\n"
        if let e = egressLine { out += e + "\n" }
        for f in findings {
            out += "\n"
            let label = f.severity.rawValue.uppercased()
            let painted = color ? Self.paint(label, f.severity) : label
            let head = "\(painted)  \(f.kind)  score \(Self.decimals(f.score))"
            let headWidth = label.count + f.kind.count + 12
            if let since = f.since {
                let when = "since \(CivilTime.iso8601(nanoseconds: since))"
                out += headWidth + 2 + when.count <= width ? head + "  " + when + "\n" : head + "\n  " + when + "\n"
            } else {
                out += head + "\n"
            }
            var place = f.table.isEmpty ? "" : "\(f.table)/\(f.chain)"
            if !f.target.isEmpty { place += " \(f.target)" }
            if !f.ruleID.isEmpty { place += "  rule \(f.ruleID)" }
            if !place.isEmpty { out += "  " + Self.clip(place, width - 2) + "\n" }
            if !f.rule.isEmpty { out += "  " + Self.clip(Self.oneLine(f.rule), width - 2) + "\n" }
            for line in Self.wrap(f.explanation, width - 2) { out += "  " + line + "\n" }
            if let e = Self.evidenceLine(f) {
                for line in Self.wrap(e, width - 2) { out += "  " + (color ? "\u{1B}[2m\(line)\u{1B}[0m" : line) + "\n" }
            }
        }
        return out
    }

    func summaryLine() -> String {
        guard !findings.isEmpty else {
            return "\(snapshots) snapshot\(snapshots == 1 ? "" : "s"), \(rules) rules: no findings."
        }
        let counts = Severity.allCases.reversed().compactMap { s -> String? in
            let n = findings.filter { $0.severity == s }.count
            return n == 0 ? nil : "\(n) \(s.rawValue)"
        }
        return "\(snapshots) snapshot\(snapshots == 1 ? "" : "s"), \(rules) rules: \(counts.joined(separator: ", "))"
    }

    /// The numbers that matter most, on one line: packets per interval and egress.
    static func evidenceLine(_ f: Finding) -> String? {
        var parts: [String] = []
        var fields: [String: EvidenceValue] = [:]
        for e in f.evidence { fields[e.key] = e.value }
        if case .array(let deltas)? = fields["deltas"], !deltas.isEmpty {
            let packets = deltas.compactMap { d -> String? in
                guard case .object(let fs) = d, let p = fs.first(where: { $0.key == "packets" }) else { return nil }
                return render(p.value)
            }
            parts.append("packets per interval: " + packets.joined(separator: " "))
        }
        if let b = fields["egress_before"], let a = fields["egress_after"] {
            parts.append("egress \(percent(b)) -> \(percent(a))")
        }
        if let to = fields["diverts_to"], case .string(let s) = to { parts.append("to \(s)") }
        if parts.isEmpty {
            for e in f.evidence.prefix(4) {
                if case .array = e.value { continue }
                parts.append("\(e.key) \(render(e.value))")
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    static func render(_ v: EvidenceValue) -> String {
        switch v {
        case .int(let i): return String(i)
        case .double(let d): return decimals(d)
        case .string(let s): return s
        case .bool(let b): return b ? "yes" : "no"
        case .null: return "-"
        case .array(let a): return a.map(render).joined(separator: ",")
        case .object: return "{...}"
        }
    }

    static func percent(_ v: EvidenceValue) -> String {
        if case .double(let d) = v { return "\(Int((d * 100).rounded()))%" }
        if case .int(let i) = v { return "\(i * 100)%" }
        return "?"
    }

    static func decimals(_ v: Double) -> String {
        let scaled = Int((v * 100).rounded())
        let frac = abs(scaled % 100)
        return "\(scaled / 100).\(frac < 10 ? "0" : "")\(frac)"
    }

    static func paint(_ s: String, _ severity: Severity) -> String {
        switch severity {
        case .critical: return "\u{1B}[1;31m\(s)\u{1B}[0m"
        case .warning: return "\u{1B}[33m\(s)\u{1B}[0m"
        case .info: return "\u{1B}[36m\(s)\u{1B}[0m"
        }
    }

    static func oneLine(_ s: String) -> String {
        String(s.map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 })
    }

    static func clip(_ s: String, _ width: Int) -> String {
        s.count <= width ? s : String(s.prefix(max(0, width - 3))) + "..."
    }

    /// Greedy word wrap; a word longer than the width gets a line of its own, clipped.
    static func wrap(_ s: String, _ width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in oneLine(s).split(separator: " ") {
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(clip(line, width))
                line = String(word)
            }
        }
        if !line.isEmpty { lines.append(clip(line, width)) }
        return lines
    }
}
