import ArgumentParser
import RuleWatchCore

/// What narrows and tunes an analysis: shared by every command that runs the analyzer
/// (`analyze` over a capture, `report` over the store), so that each flag means one thing.
struct AnalysisOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only snapshots taken at or after this time (ISO 8601, @EPOCH, or a duration back from now: 2h, 7d).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Only snapshots taken at or before this time (ISO 8601, @EPOCH, or a duration back from now: 2h, 7d).", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp("Only findings about this table (nat, filter, ... or an nft table's name).", valueName: "table"))
    var table: String?

    @Option(help: ArgumentHelp("Only findings about this chain.", valueName: "chain"))
    var chain: String?

    @Option(help: ArgumentHelp("Drop findings about the rules this SELECTOR names; repeat for more.", valueName: "selector"))
    var ignore: [String] = []

    @Option(help: ArgumentHelp("A file of `ignore SELECTOR` and `threshold NAME VALUE` lines.", valueName: "file"))
    var config: String?

    @Option(name: .customLong("fail-on"),
            help: ArgumentHelp("Exit with status 1 when a finding at or above this severity exists: critical, warning or info.",
                               valueName: "severity"))
    var failOn: Severity?

    /// Checks the selectors and times; `zone` reads times that carry no zone.
    func validate(zone: TimeZoneSpec) throws {
        for selector in ignore {
            do { _ = try RuleSelector(parsing: selector) } catch {
                throw ValidationError("--ignore '\(selector)': \(error)")
            }
        }
        if let since, TimeArgument.parse(since, zone: zone) == nil {
            throw ValidationError("--since '\(since)' is not a time: give ISO 8601 (2026-11-24T10:00:00Z), @EPOCH or a duration back from now (2h, 7d)")
        }
        if let until, TimeArgument.parse(until, zone: zone) == nil {
            throw ValidationError("--until '\(until)' is not a time: give ISO 8601 (2026-11-24T10:00:00Z), @EPOCH or a duration back from now (2h, 7d)")
        }
    }

    func filter(zone: TimeZoneSpec) throws -> AnalysisFilter {
        AnalysisFilter(
            since: since.flatMap { TimeArgument.parse($0, zone: zone) },
            until: until.flatMap { TimeArgument.parse($0, zone: zone) },
            table: table, chain: chain,
            ignores: try ignore.map { try RuleSelector(parsing: $0) })
    }

    /// The `--config` file's thresholds and ignores, or the defaults.
    func analyzerConfig() throws -> AnalyzerConfig {
        try Terminal.reportingCaptureErrors {
            try config.map { try AnalyzerConfig.load(path: $0) } ?? AnalyzerConfig()
        }
    }

    /// Ends the run with status 1 when `--fail-on` asks for it and `result` has such a finding.
    func exitIfFailing(_ result: AnalysisResult) throws {
        if let failOn, result.hasFinding(atLeast: failOn) { throw ExitCode(1) }
    }
}
