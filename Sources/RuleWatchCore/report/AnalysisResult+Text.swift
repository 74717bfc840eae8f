extension AnalysisResult {
    /// The findings for a person: ranked, a few lines each, wrapped to `width` columns.
    ///
    /// - Parameter color: ANSI colours for the severities (the CLI decides: a terminal and
    ///   no `NO_COLOR`).
    public func text(color: Bool = false, width: Int = 80) -> String {
        let width = max(40, width)
        var out = summaryLine() + "\n" + (egressLine ?? egressSource.phrase) + "\n"
        if let grouping = groupingLine() { out += grouping + "\n" }
        let byID = Dictionary(entries.map { (lead($0).ruleID, $0) }, uniquingKeysWith: { a, _ in a })
        for entry in entries {
            let f = lead(entry)
            out += "\n"
            let label = entry.isConsequence ? "DOWNSTREAM" : f.severity.rawValue.uppercased()
            let painted = color ? Self.paint(label, entry.isConsequence ? .info : f.severity) : label
            var place = f.table.isEmpty ? "" : Self.safe("\(f.table)/\(f.chain)")
            if !f.target.isEmpty { place += " " + Self.safe(f.target) }
            if !f.ruleID.isEmpty { place += "  rule \(f.ruleID)" }
            out += painted + "  " + Self.clip(place.isEmpty ? f.kind : place, width - label.count - 2) + "\n"
            var kinds = entry.findings.map { "\(findings[$0].kind) \(Self.decimals(findings[$0].score))" }.joined(separator: ", ")
            if let since = f.since { kinds += "; since \(CivilTime.iso8601(nanoseconds: since))" }
            for line in Self.wrap(kinds, width - 2) { out += "  " + line + "\n" }
            if !f.rule.isEmpty { out += "  " + Self.clip(Self.safe(f.rule), width - 2) + "\n" }
            if entry.isConsequence {
                let of = entry.consequenceOf.map { id -> String in
                    guard let c = byID[id] else { return "rule \(id)" }
                    let cf = lead(c)
                    return "rule \(id) (\(Self.safe(cf.table))/\(Self.safe(cf.chain)) \(Self.safe(cf.target)))"
                }.joined(separator: " and ")
                let text = "Carries on downstream the traffic that \(of) sent its way: its counter climbed with the culprit's, so it is a consequence, not a suspect."
                for line in Self.wrap(text, width - 2) { out += "  " + line + "\n" }
                continue
            }
            for line in Self.wrap(f.explanation, width - 2) { out += "  " + line + "\n" }
            if let e = Self.evidenceLine(f) {
                for line in Self.wrap(e, width - 2) { out += "  " + (color ? "\u{1B}[2m\(line)\u{1B}[0m" : line) + "\n" }
            }
            let downstream = entries.filter { $0.consequenceOf.contains(f.ruleID) && !f.ruleID.isEmpty }
            if !downstream.isEmpty {
                let names = downstream.map { d -> String in
                    let df = lead(d)
                    return "\(Self.safe(df.table))/\(Self.safe(df.chain)) \(Self.safe(df.target)) (\(df.ruleID))"
                }.joined(separator: ", ")
                for line in Self.wrap("Downstream, carrying its traffic (not suspects): " + names, width - 2) {
                    out += "  " + line + "\n"
                }
            }
            if let steps = entry.nextSteps { out += Self.nextSteps(steps, width: width) }
        }
        return out
    }

    /// The commands, each whole: a long one continues on the next line after ` \\`, as a
    /// shell reads it, so it can be pasted as printed.
    static func nextSteps(_ s: NextSteps, width: Int) -> String {
        var out = "  Next steps (printed, never run by rulewatch):\n"
        func block(_ title: String, _ commands: [String]) {
            for (i, c) in commands.enumerated() {
                let head = i == 0 ? "    " + title + String(repeating: " ", count: max(1, 9 - title.count)) : String(repeating: " ", count: 13)
                let lines = commandLines(c, width - 13)
                out += head + lines[0] + "\n"
                for l in lines.dropFirst() { out += String(repeating: " ", count: 15) + l + "\n" }
            }
        }
        block("confirm", s.confirm)
        block("watch", s.watch)
        block("undo", s.undoConfirm)
        block("check", s.check)
        block("remove", s.remove)
        for line in wrap(s.note, width - 4) { out += "    " + line + "\n" }
        return out
    }

    /// Breaks a command at blanks outside quotes, each line but the last ending ` \\`.
    static func commandLines(_ command: String, _ width: Int) -> [String] {
        let safeCommand = safe(command)
        var words: [String] = []
        var word = ""
        var quote: Character?
        for ch in safeCommand {
            if let q = quote {
                word.append(ch)
                if ch == q { quote = nil }
            } else if ch == " " {
                if !word.isEmpty { words.append(word); word = "" }
            } else {
                if ch == "'" || ch == "\"" { quote = ch }
                word.append(ch)
            }
        }
        if !word.isEmpty { words.append(word) }
        var lines: [String] = []
        var line = ""
        for w in words {
            if line.isEmpty {
                line = w
            } else if line.count + 1 + w.count + 2 <= max(20, width) {
                line += " " + w
            } else {
                lines.append(line + " \\")
                line = w
            }
        }
        lines.append(line)
        return lines
    }

    /// Control characters from a dump made visible (`\x1b`), so that a rule's comment can
    /// neither recolour nor move the reader's terminal; bidi overrides too, which could make
    /// a rule read other than it is.
    static func safe(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isUnsafe) else { return s }
        var out = ""
        for scalar in s.unicodeScalars {
            if isUnsafe(scalar) {
                let hex = String(scalar.value, radix: 16)
                out += scalar.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" : "") + hex
                    : "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `s` with its control characters (and bidi overrides) written as `\x1b`, `\u202e`:
    /// for any report that shows a dump's text.
    public static func visible(_ s: String) -> String { safe(s) }

    static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || (0x200E...0x200F).contains(v)
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    func summaryLine() -> String {
        guard !findings.isEmpty else {
            return "\(snapshots) snapshot\(snapshots == 1 ? "" : "s"), \(rules) rule\(rules == 1 ? "" : "s"): no findings."
        }
        let counts = Severity.allCases.reversed().compactMap { s -> String? in
            let n = findings.filter { $0.severity == s }.count
            return n == 0 ? nil : "\(n) \(s.rawValue)"
        }
        return "\(snapshots) snapshot\(snapshots == 1 ? "" : "s"), \(rules) rule\(rules == 1 ? "" : "s"): \(counts.joined(separator: ", "))"
    }

    /// How the findings group by rule: `12 findings about 10 rules, 3 of them downstream of
    /// the culprits.`; `nil` without findings.
    func groupingLine() -> String? {
        guard !findings.isEmpty else { return nil }
        let downstream = entries.filter(\.isConsequence).count
        var told = "\(findings.count) finding\(findings.count == 1 ? "" : "s") about \(entries.count) rule\(entries.count == 1 ? "" : "s")"
        if downstream > 0 { told += ", \(downstream) of them downstream of the culprits" }
        return told + "."
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
        case .string(let s): return safe(s)
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
        safe(String(s.map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 }))
    }

    static func clip(_ s: String, _ width: Int) -> String {
        s.count <= width ? s : String(s.prefix(max(0, width - 3))) + "..."
    }

    /// Greedy word wrap; a word longer than the width gets a line of its own, clipped.
    static func wrap(_ s: String, _ width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        // The line's length in characters, kept as it grows: counting it anew for every word
        // walked the line again each time.
        var length = 0
        for word in oneLine(s).split(separator: " ") {
            let n = word.count
            if line.isEmpty {
                line = String(word)
                length = n
            } else if length + 1 + n <= width {
                line += " "
                line += word
                length += 1 + n
            } else {
                lines.append(clip(line, width))
                line = String(word)
                length = n
            }
        }
        if !line.isEmpty { lines.append(clip(line, width)) }
        return lines
    }
}
