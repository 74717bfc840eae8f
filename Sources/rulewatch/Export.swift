import ArgumentParser
import RuleWatchCore
import RuleWatchMetrics
import RuleWatchStore

extension RuleWatch {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the node's rule totals and findings as Prometheus metrics.",
            discussion: """
            Prints the Prometheus text exposition format, or with --textfile writes it atomically \
            (a temporary file beside it, then a rename) for node_exporter's textfile collector \
            (--collector.textfile.directory). Reads the node's store (`rulewatch ingest`, \
            `rulewatch collect`), or the capture files given (any format `parse` reads; `-` is \
            standard input). From the store, totals are the store's: kept across pruning.

            Metrics: rulewatch_rule_packets_total and rulewatch_rule_bytes_total (counters; family, \
            table, chain, target, rule_id), corrected for counter resets so that they never go \
            down while a rule lives; rulewatch_rule_info (1; rule_id, rule: the rule's text); \
            rulewatch_chain_resets_total (family, table, chain); rulewatch_finding (the score; \
            kind, severity, family, table, chain, rule_id) for the analyzer's current findings; \
            rulewatch_egress_success_ratio and rulewatch_last_snapshot_timestamp_seconds.

            Every rule with counters gets two series and an info series. On a big node most rules \
            never count: --only-counting keeps the rules whose counters moved, --min-packets N \
            those that matched at least N packets. `rulewatch alerts` prints alert rules for them.

            Examples:
              rulewatch export --store /var/lib/rulewatch/rulewatch.db \\
                  --textfile /var/lib/node_exporter/textfile/rulewatch.prom
              rulewatch export capture.txt
              rulewatch export capture.txt --only-counting \\
                  --textfile /var/lib/node_exporter/textfile/rulewatch.prom

            Exit status: 0 done; 64 usage; 65 bad data or not a store; 66 missing input or no \
            store; 74 write error.
            """)

        @OptionGroup var storeOptions: StoreOptions

        @OptionGroup var capture: CaptureOptions

        @Option(help: ArgumentHelp("Egress success per interval: a CSV with the header time,ok,total.", valueName: "csv"))
        var egress: String?

        @Option(help: ArgumentHelp("The analyzer's ignores and thresholds, as for `analyze --config`.", valueName: "file"))
        var config: String?

        @OptionGroup var metricsOptions: MetricsOptions

        func validate() throws {
            if !capture.files.isEmpty && (storeOptions.store != nil || storeOptions.source != nil) {
                throw ValidationError("give capture files or --store/--source, not both")
            }
            if capture.files.isEmpty && egress != nil {
                throw ValidationError("--egress goes with capture files; the store keeps its own egress")
            }
        }

        func run() throws {
            Terminal.ignoreBrokenPipes()
            HeapTuning.keepLargeBuffersMapped()
            let analyzerConfig = try Terminal.reportingCaptureErrors {
                try config.map { try AnalyzerConfig.load(path: $0) } ?? AnalyzerConfig()
            }
            guard !capture.files.isEmpty else {
                let store = try storeOptions.open(create: false)
                return try metricsOptions.write(store: store, source: storeOptions.sourceName, config: analyzerConfig)
            }
            let zone = try capture.parseOptions().timeZone
            let egressSeries = try Terminal.reportingCaptureErrors {
                try egress.map { try EgressSeries.parseCSV(try WholeFile.read($0), file: $0, zone: zone) }
            }
            var history = CaptureHistory()
            try capture.read(into: &history, concurrently: true)
            let metrics = NodeMetrics(history: history, egress: egressSeries, config: analyzerConfig)
            try metricsOptions.write(metrics)
        }
    }
}
