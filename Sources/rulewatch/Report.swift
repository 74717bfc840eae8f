import ArgumentParser
import RuleWatchCore
import RuleWatchStore

extension RuleWatch {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the analyzer over a node's stored history.",
            discussion: """
            What `analyze` says of a capture, said of the snapshots in the store: the same \
            findings, rule_ids and JSON schema. --since and --until take ISO 8601, @EPOCH, or a \
            duration back from now (2h, 7d).

            Examples:
              rulewatch report --since 2h
              rulewatch report --store /tmp/rw.db --source node-1 --format json | jq '.findings[0]'

            Exit status: 0 done; 1 a finding at or above --fail-on; 64 usage; 65 not a store; \
            66 no store.
            """)

        @OptionGroup var storeOptions: StoreOptions

        @Option(help: "Output format: text or json (schema 1).")
        var format: Analyze.OutputFormat = .text

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
            let config = try analysis.analyzerConfig()
            let filter = try analysis.filter(zone: try zone)
            let store = try storeOptions.open(create: false)
            let history = try StoreOptions.reportingStoreErrors {
                try store.history(source: storeOptions.sourceName, since: filter.since, until: filter.until)
            }
            let result = Analyzer(config: config).analyze(history, egress: nil, filter: filter)
            switch format {
            case .json:
                Terminal.standardOutput.write(result.json() + "\n")
            case .text:
                let out = Terminal.standardOutput
                out.write(result.text(color: out.wantsColor, width: out.isTerminal ? out.columns : 80))
            }
            try analysis.exitIfFailing(result)
        }
    }
}
