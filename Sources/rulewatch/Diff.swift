import ArgumentParser
import RuleWatchCore
import RuleWatchStore

extension RuleWatch {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Rules added, removed and counting between two stored snapshots.",
            discussion: """
            Compares the snapshots at or before --from and --to (by default the last two): the \
            rules that appeared (what an installer appended, and when), those that went, and \
            those whose counters moved, most packets first.

            Examples:
              rulewatch diff
              rulewatch diff --from 2026-11-24T10:00:00Z --to 2026-11-24T11:00:00Z \\
                  --format json

            Exit status: 0 done; 64 usage (fewer than two snapshots); 65 not a store; 66 no store.
            """)

        @OptionGroup var storeOptions: StoreOptions

        @Option(help: ArgumentHelp("The earlier snapshot: the last at or before this time (ISO 8601, @EPOCH, or 2h back).", valueName: "time"))
        var from: String?

        @Option(help: ArgumentHelp("The later snapshot: the last at or before this time.", valueName: "time"))
        var to: String?

        @Option(help: ArgumentHelp("Show at most this many changed rules (0: all).", valueName: "n"))
        var limit = 20

        @Option(help: "Output format: text or json.")
        var format: TextOrJSONFormat = .text

        func validate() throws {
            for (name, value) in [("--from", from), ("--to", to)] {
                if let value, TimeArgument.parse(value, zone: .utc) == nil {
                    throw ValidationError("\(name) '\(value)' is not a time: give ISO 8601, @EPOCH or a duration (2h, 7d)")
                }
            }
        }

        func run() throws {
            Terminal.ignoreBrokenPipes()
            let store = try storeOptions.open(create: false)
            try storeOptions.checkSource(in: store)
            let d = try StoreOptions.reportingStoreErrors {
                try store.diff(source: storeOptions.sourceName, from: from.flatMap { TimeArgument.parse($0, zone: .utc) },
                               to: to.flatMap { TimeArgument.parse($0, zone: .utc) })
            }
            let changed = limit > 0 ? Array(d.changed.prefix(limit)) : d.changed
            let out = Terminal.standardOutput
            let iso = { (t: Int64?) in t.map { CivilTime.iso8601(nanoseconds: $0) } ?? "-" }
            switch format {
            case .json:
                func entries(_ list: [SnapshotDiff.Entry]) -> String {
                    "[" + list.map { e in
                        "{\"rule_id\":\(JSONText.quoted(e.rule.ruleID)),\"table\":\(JSONText.quoted(e.rule.table)),\"chain\":\(JSONText.quoted(e.rule.chain)),\"target\":\(JSONText.quoted(e.rule.target)),\"rule\":\(JSONText.quoted(e.rule.text)),\"time\":\(e.time.map { JSONText.quoted(CivilTime.iso8601(nanoseconds: $0)) } ?? "null"),\"packets\":\(e.packets.map { String($0.printed) } ?? "null"),\"delta_packets\":\(e.deltaPackets),\"delta_bytes\":\(e.deltaBytes)\(e.reset ? ",\"reset\":true" : "")}"
                    }.joined(separator: ",") + "]"
                }
                out.write("{\"from\":\(JSONText.quoted(iso(d.from))),\"to\":\(JSONText.quoted(iso(d.to))),\"added\":\(entries(d.added)),\"removed\":\(entries(d.removed)),\"changed_count\":\(d.changed.count),\"changed\":\(entries(changed))}\n")
            case .text:
                var s = "from \(iso(d.from)) to \(iso(d.to)): \(d.added.count) added, \(d.removed.count) removed, \(d.changed.count) counting\n"
                for e in d.added {
                    s += "\n+ \(e.rule.table)/\(e.rule.chain) \(e.rule.target)  rule \(e.rule.ruleID)  appeared \(iso(e.time))\n    \(e.rule.text)\n"
                }
                for e in d.removed {
                    s += "\n- \(e.rule.table)/\(e.rule.chain) \(e.rule.target)  rule \(e.rule.ruleID)  last seen \(iso(e.time))\n    \(e.rule.text)\n"
                }
                if !changed.isEmpty { s += "\ncounting (most packets first\(changed.count < d.changed.count ? ", \(changed.count) of \(d.changed.count)" : "")):\n" }
                for e in changed {
                    s += "  +\(e.deltaPackets) packets +\(e.deltaBytes) bytes\(e.reset ? " (reset)" : "")  \(e.rule.table)/\(e.rule.chain) \(e.rule.target)  rule \(e.rule.ruleID)\n"
                }
                out.write(s)
            }
        }
    }
}
