import ArgumentParser
import RuleWatchCore
import RuleWatchHTML
import RuleWatchStore

extension RuleWatch {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Run the analyzer over a node's stored history.",
            discussion: """
            What `analyze` says of a capture, said of the snapshots in the store: the same \
            findings, rule_ids and JSON schema. --since and --until take ISO 8601, @EPOCH, or a \
            duration back from now (2h, 7d).

            Examples:
              rulewatch report --since 2h
              rulewatch report --store /tmp/rw.db --source node-1 --format json \\
                  | jq '.findings[0]'
              rulewatch report --since 7d --format html --output incident.html

            Exit status: 0 done; 1 a finding at or above --fail-on; 64 usage; 65 not a store; \
            66 no store.
            """)

        @OptionGroup var storeOptions: StoreOptions

        @Option(help: "Output format: text, json (schema 1) or html (one self-contained page with charts).")
        var format: ReportOutput.Format = .text

        @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
        var output: String?

        @Option(help: ArgumentHelp("The zone of --since/--until times that carry none.", valueName: "zone"))
        var tz: String = "UTC"

        @OptionGroup var analysis: AnalysisOptions

        var zone: TimeZoneSpec {
            get throws {
                guard let z = TimeZoneSpec(parsing: tz) else { throw ValidationError("unknown time zone '\(tz)'") }
                return z
            }
        }

        func validate() throws { try analysis.validate(zone: try zone) }

        func run() throws {
            Terminal.ignoreBrokenPipes()
            HeapTuning.keepLargeBuffersMapped()
            let config = try analysis.analyzerConfig()
            let filter = try analysis.filter(zone: try zone)
            let store = try storeOptions.open(create: false)
            try storeOptions.checkSource(in: store)
            let err = Terminal.standardError
            let history = try StoreOptions.reportingStoreErrors {
                defer { err.clearProgress() }
                // A week of a big node takes a while to read back: say how far on a terminal.
                return try store.history(source: storeOptions.sourceName, since: filter.since, until: filter.until,
                                         progress: err.isTerminal ? { done, total in
                                             err.progress("reading the store", done: done, of: total, "snapshots")
                                         } : nil)
            }
            let result = Analyzer(config: config).analyze(history, egress: nil, filter: filter, timeline: format == .html)
            try ReportOutput(format: format, path: output).write(
                result, read: ReadSummary(kind: "store", inputs: ["\(storeOptions.path) (source \(storeOptions.sourceName))"]))
            try analysis.exitIfFailing(result)
        }
    }
}
