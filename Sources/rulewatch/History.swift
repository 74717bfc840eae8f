import ArgumentParser
import RuleWatchCore
import RuleWatchStore

extension RuleWatch {
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history",
            abstract: "One rule's counters and deltas over time, with its resets.",
            discussion: """
            SELECTOR: a rule_id as reports print it (6 hex digits or more), or \
            TABLE/CHAIN[/TARGET] with an optional ~REGEX over the rule's text, as for --ignore. \
            Every rule it names is shown: a line each time its counters changed, it appeared, \
            vanished or was reset (the delta then counts from zero).

            Examples:
              rulewatch history 3766028a6fda --since 2h
              rulewatch history 'nat/PREROUTING/REDIRECT' --format json

            Exit status: 0 done; 64 usage; 65 not a store; 66 no store, or no rule matches.
            """)

        @OptionGroup var storeOptions: StoreOptions

        @Argument(help: ArgumentHelp("The rule: a rule_id or TABLE/CHAIN[/TARGET][~REGEX].", valueName: "selector"))
        var selector: String

        @Option(help: ArgumentHelp("From this time (ISO 8601, @EPOCH, or a duration back from now: 2h, 7d).", valueName: "time"))
        var since: String?

        @Option(help: ArgumentHelp("Until this time.", valueName: "time"))
        var until: String?

        @Option(help: "Output format: text or json.")
        var format: TextOrJSONFormat = .text

        func validate() throws {
            do { _ = try RuleSelector(parsing: selector) } catch { throw ValidationError("\(error)") }
            for (name, value) in [("--since", since), ("--until", until)] {
                if let value, TimeArgument.parse(value, zone: .utc) == nil {
                    throw ValidationError("\(name) '\(value)' is not a time: give ISO 8601, @EPOCH or a duration (2h, 7d)")
                }
            }
        }

        func run() throws {
            Terminal.ignoreBrokenPipes()
            let rule = try RuleSelector(parsing: selector)
            let store = try storeOptions.open(create: false)
            try storeOptions.checkSource(in: store)
            let source = storeOptions.sourceName
            let histories = try StoreOptions.reportingStoreErrors {
                try store.ruleHistory(source: source, since: since.flatMap { TimeArgument.parse($0, zone: .utc) },
                                      until: until.flatMap { TimeArgument.parse($0, zone: .utc) }) { r in
                    rule.matches(Finding(kind: "", severity: .info, score: 0, ruleID: r.ruleID, family: r.family.rawValue,
                                         table: r.table, chain: r.chain, target: r.target, rule: r.text, explanation: ""))
                }
            }
            if histories.isEmpty {
                Terminal.standardError.write("error: no rule of \(source) matches '\(selector)'\n")
                throw ExitCode(66)
            }
            let out = Terminal.standardOutput
            switch format {
            case .json:
                out.write("{\"source\":\(JSONText.quoted(source)),\"rules\":[" + histories.map(Self.json).joined(separator: ",") + "]}\n")
            case .text:
                for (i, h) in histories.enumerated() {
                    if i > 0 { out.write("\n") }
                    out.write(Self.text(h))
                }
            }
        }

        static func counter(_ c: Counter?) -> String {
            guard let c else { return "-" }
            return c.isExact ? String(c.printed) : "\(c.printed)~"
        }

        static func text(_ h: RuleCounterHistory) -> String {
            let r = h.rule
            var s = "\(r.table)/\(r.chain) \(r.target)  rule \(r.ruleID)\n  \(r.text)\n"
            s += "  total \(r.totalPackets) packets, \(r.totalBytes) bytes; \(r.resets) reset\(r.resets == 1 ? "" : "s")\n"
            s += "  time                  packets        bytes          +packets     +bytes\n"
            for p in h.points {
                let note = p.vanished ? "  vanished" : p.appeared ? "  appeared" : p.reset ? "  reset" : ""
                if p.vanished {
                    s += "  \(CivilTime.iso8601(nanoseconds: p.time))\(note)\n"
                    continue
                }
                s += "  \(CivilTime.iso8601(nanoseconds: p.time))  \(pad(counter(p.packets), 13)) \(pad(counter(p.bytes), 14)) \(pad("+\(p.deltaPackets)", 12)) \(pad("+\(p.deltaBytes)", 12))\(note)\n"
            }
            return s
        }

        static func pad(_ s: String, _ n: Int) -> String {
            s.count >= n ? s : String(repeating: " ", count: n - s.count) + s
        }

        static func json(_ h: RuleCounterHistory) -> String {
            let r = h.rule
            var s = "{\"rule_id\":\(JSONText.quoted(r.ruleID)),\"family\":\(JSONText.quoted(r.family.rawValue)),"
            s += "\"table\":\(JSONText.quoted(r.table)),\"chain\":\(JSONText.quoted(r.chain)),\"target\":\(JSONText.quoted(r.target)),"
            s += "\"rule\":\(JSONText.quoted(r.text)),\"total_packets\":\(r.totalPackets),\"total_bytes\":\(r.totalBytes),\"resets\":\(r.resets),\"points\":["
            s += h.points.map { p in
                var e = "{\"time\":\(JSONText.quoted(CivilTime.iso8601(nanoseconds: p.time)))"
                if p.vanished { return e + ",\"vanished\":true}" }
                if let c = p.packets { e += ",\"packets\":\(c.printed)" }
                if let c = p.bytes { e += ",\"bytes\":\(c.printed)" }
                e += ",\"delta_packets\":\(p.deltaPackets),\"delta_bytes\":\(p.deltaBytes)"
                if let c = p.packets, !c.isExact { e += ",\"packets_at_least\":\(c.lower),\"packets_at_most\":\(c.upper)" }
                if p.reset { e += ",\"reset\":true" }
                if p.appeared { e += ",\"appeared\":true" }
                return e + "}"
            }.joined(separator: ",")
            return s + "]}"
        }
    }
}
