import ArgumentParser
import RuleWatchCore
import RuleWatchHTML

extension RuleWatch {
    struct Analyze: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "analyze",
            abstract: "Name the rules that are eating traffic, since when, and why.",
            discussion: """
            Reads a capture of periodic counter dumps (any format `parse` reads), works out each \
            rule's packet and byte deltas per interval, and lines them up with the egress success \
            rate: from `--egress CSV` (a header `time,ok,total`, a row per interval, ISO 8601 \
            times), or from `# egress ok=N total=N` lines after the capture's timestamps (also when \
            the CSV covers none of the capture's snapshots, with a warning), or else estimated from \
            the pods' own TCP counters (`# tcp ns=ID active=N fails=N synretrans=N rsts=N` lines, \
            which `collect` writes: "egress: passive, from N pod namespaces"). Without any it says \
            what it can from the counters alone. The report names the signal it used.

            Findings, most suspicious first: climb-with-egress-drop (a rule that diverts or drops \
            traffic began to climb when egress fell: critical), new-rule, hazard (a REDIRECT, \
            DNAT or TPROXY that catches egress ports from anywhere), drop-climb, reset, \
            ruleset-emptied (a snapshot with no rules after one with rules: the ruleset flushed, \
            or a dump command that printed nothing: critical) and ruleset-restored.

            SELECTOR (for --ignore and `ignore` in --config): a rule_id as reports print it, or \
            TABLE/CHAIN[/TARGET] with an optional ~REGEX over the rule's text, e.g. \
            `nat/PREROUTING/DNAT~10\\.96\\.0\\.10` or `*/KUBE-SERVICES`.

            --config FILE: one directive a line, `ignore SELECTOR` or `threshold NAME VALUE` \
            (egress-drop 0.2, egress-min-attempts 3, climb-min-packets 3, near-zero 0.1, \
            step-factor 3, onset-window 1, baseline-intervals 5, drop-climb-factor 4, \
            drop-climb-min-packets 50, reset-chain-fraction 0.5); `#` starts a comment.

            --table narrows the findings to one table; --listing-table names the table a listing \
            shows.

            Examples:
              rulewatch analyze capture.txt --egress egress.csv
              rulewatch analyze capture.txt.gz --format json | jq '.findings[0]'
              rulewatch analyze capture.txt --egress egress.csv \\
                  --format html --output incident.html
              rulewatch analyze capture.txt --format json \\
                  | jq -r '.entries[0].next_steps.remove[]'
              rulewatch analyze capture.txt --fail-on critical \\
                  --ignore 'nat/PREROUTING/DNAT~10\\.96\\.0\\.10'

            Exit status: 0 done; 1 a finding at or above --fail-on; 64 usage; 65 bad data (no \
            snapshot, not a dump, or any warning under --strict); 66 missing input; 74 read error.
            """)

        @OptionGroup var capture: CaptureOptions

        @Option(help: ArgumentHelp("Egress success per interval: a CSV with the header time,ok,total (used when its rows fall within the capture's snapshots).", valueName: "csv"))
        var egress: String?

        @Option(help: "Output format: text, json (schema 1) or html (one self-contained page with charts).")
        var format: ReportOutput.Format = .text

        @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
        var output: String?

        @OptionGroup var analysis: AnalysisOptions

        func validate() throws {
            try analysis.validate(zone: try capture.parseOptions().timeZone)
        }

        func run() throws {
            Terminal.ignoreBrokenPipes()
            HeapTuning.keepLargeBuffersMapped()
            let zone = try capture.parseOptions().timeZone
            let analyzerConfig = try analysis.analyzerConfig()
            let egressSeries = try Terminal.reportingCaptureErrors {
                try egress.map { try EgressSeries.parseCSV(try WholeFile.read($0), file: $0, zone: zone) }
            }
            var history = CaptureHistory()
            try capture.read(into: &history, concurrently: true)
            let filter = try analysis.filter(zone: zone)
            warnIfNoTable(filter.table, in: history)
            let result = Analyzer(config: analyzerConfig).analyze(history, egress: egressSeries, filter: filter,
                                                                  timeline: format == .html)
            if let egress, result.egressSource != .csv { warnEgressUnused(egress, history, result.egressSource) }
            try ReportOutput(format: format, path: output).write(
                result, read: ReadSummary(kind: "files", inputs: capture.files.isEmpty ? ["-"] : capture.files))
            try analysis.exitIfFailing(result)
        }

        /// `--table` narrows findings; naming a table the capture lacks (often the table a
        /// listing shows, which is `--listing-table`) would otherwise just say "no findings".
        private func warnIfNoTable(_ table: String?, in history: CaptureHistory) {
            guard let table, !history.tables.contains(where: { $0.name == table }) else { return }
            var names: [String] = []
            for t in history.tables where !names.contains(t.name) { names.append(t.name) }
            let shown = names.isEmpty ? "none" : names.joined(separator: ", ")
            Terminal.standardError.write("warning: --table \(table): no table of the capture is named \(table) (it has \(shown)); --listing-table names the table a listing shows\n")
        }

        /// The CSV lay outside every snapshot's interval: say so, and what was used instead.
        private func warnEgressUnused(_ file: String, _ history: CaptureHistory, _ used: EgressSource) {
            let times = history.snapshots.compactMap(\.time)
            var span = ""
            if let first = times.first, let last = times.last {
                span = " (\(CivilTime.iso8601(nanoseconds: first)) to \(CivilTime.iso8601(nanoseconds: last)))"
            } else {
                span = " (they carry no times)"
            }
            let instead = used == .inline ? "using the capture's own `# egress` lines instead"
                                          : "the capture has no `# egress` lines either: findings come from the counters alone"
            Terminal.standardError.write("warning: \(file): no egress row falls within the capture's snapshots\(span); \(instead)\n")
        }
    }
}

extension Severity: ExpressibleByArgument {}
