import ArgumentParser
import RuleWatchCore

extension RuleWatch {
    struct Analyze: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Name the rules that are eating traffic, since when, and why.",
            discussion: """
            Reads a capture of periodic counter dumps (any format `parse` reads), works out each \
            rule's packet and byte deltas per interval, and lines them up with the egress success \
            rate: from `--egress CSV` (a header `time,ok,total`, a row per interval, ISO 8601 \
            times), or from `# egress ok=N total=N` lines after the capture's timestamps. Without \
            either it says what it can from the counters alone.

            Findings, most suspicious first: climb-with-egress-drop (a rule that diverts or drops \
            traffic began to climb when egress fell: critical), new-rule, hazard (a REDIRECT, \
            DNAT or TPROXY that catches egress ports from anywhere), drop-climb, reset.

            SELECTOR (for --ignore and `ignore` in --config): a rule_id as reports print it, or \
            TABLE/CHAIN[/TARGET] with an optional ~REGEX over the rule's text, e.g. \
            `nat/PREROUTING/DNAT~10\\.96\\.0\\.10` or `*/KUBE-SERVICES`.

            --config FILE: one directive a line, `ignore SELECTOR` or `threshold NAME VALUE` \
            (egress-drop 0.2, egress-min-attempts 3, climb-min-packets 3, near-zero 0.1, \
            step-factor 3, onset-window 1, baseline-intervals 5, drop-climb-factor 4, \
            drop-climb-min-packets 50, reset-chain-fraction 0.5); `#` starts a comment.

            Examples:
              rulewatch analyze capture.txt --egress egress.csv
              rulewatch analyze capture.txt.gz --format json | jq '.findings[0]'
              rulewatch analyze capture.txt --fail-on critical --ignore 'nat/PREROUTING/DNAT~10\\.96\\.0\\.10'

            Exit status: 0 done; 1 a finding at or above --fail-on; 64 usage; 65 bad data; \
            66 missing input.
            """)

        @OptionGroup var capture: CaptureOptions

        @Option(help: ArgumentHelp("Egress success per interval: a CSV with the header time,ok,total.", valueName: "csv"))
        var egress: String?

        @Option(help: "Output format: text or json (schema 1).")
        var format: OutputFormat = .text

        @OptionGroup var analysis: AnalysisOptions

        enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

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
            let result = Analyzer(config: analyzerConfig).analyze(history, egress: egressSeries, filter: filter)
            switch format {
            case .json:
                Terminal.standardOutput.write(result.json() + "\n")
            case .text:
                let out = Terminal.standardOutput
                Terminal.standardOutput.write(result.text(color: out.wantsColor, width: out.isTerminal ? out.columns : 80))
            }
            try analysis.exitIfFailing(result)
        }
    }
}

extension Severity: ExpressibleByArgument {}
