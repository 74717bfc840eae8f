import ArgumentParser
import RuleWatchCore
import RuleWatchMetrics
import RuleWatchStore

/// Where the Prometheus metrics go and which rules get series: shared by `export` and
/// `collect --textfile`, so both write the same file the same way.
struct MetricsOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Write the Prometheus metrics to this file atomically (for node_exporter's textfile collector).",
                               valueName: "path"))
    var textfile: String?

    @Option(name: .customLong("min-packets"),
            help: ArgumentHelp("Only rules that matched at least this many packets get series (0: every rule with counters).", valueName: "n"))
    var minPackets: UInt64 = 1

    @Flag(name: .customLong("only-counting"), help: "Only rules whose counters moved within the retention get series.")
    var onlyCounting = false

    var exportOptions: ExportOptions { ExportOptions(minPackets: minPackets, onlyCounting: onlyCounting) }

    /// The store's metrics of `source`, to the textfile or standard output; errors printed,
    /// ending the run with their exit status.
    func write(store: RuleStore, source: String, config: AnalyzerConfig) throws {
        let metrics = try StoreOptions.reportingStoreErrors { try NodeMetrics(store: store, source: source, config: config) }
        try write(metrics)
    }

    /// `metrics` to the textfile, or to standard output without one; a write error is
    /// printed and exits 74.
    func write(_ metrics: NodeMetrics) throws {
        guard let textfile else {
            Terminal.standardOutput.write(String(decoding: PrometheusExposition.render(metrics, options: exportOptions), as: UTF8.self))
            return
        }
        do {
            try PrometheusTextfile.write(metrics, options: exportOptions, to: textfile)
        } catch {
            Terminal.standardError.write("error: \(error)\n")
            throw ExitCode(74)
        }
    }
}
