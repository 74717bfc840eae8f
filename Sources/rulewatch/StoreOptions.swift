import ArgumentParser
import RuleWatchCore
import RuleWatchStore

/// Which store and which node: shared by every command that reads or writes the store.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The store: else $RULEWATCH_STORE, else /var/lib/rulewatch/rulewatch.db as root, else $XDG_STATE_HOME/rulewatch/rulewatch.db (~/.local/state/...).",
                               valueName: "db"))
    var store: String?

    @Option(help: ArgumentHelp("The node the snapshots are filed under (default: the host name).", valueName: "name"))
    var source: String?

    var path: String { StorePath.resolve(store) }
    var sourceName: String { source.flatMap { $0.isEmpty ? nil : $0 } ?? StorePath.defaultSource() }

    /// Opens the store; a reading command (`create: false`) does not make one.
    func open(create: Bool) throws -> RuleStore {
        try Self.reportingStoreErrors { try RuleStore(path: path, create: create) }
    }

    /// Prints a store error as `error: ...` and ends with its exit status.
    static func reportingStoreErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as StoreError {
            Terminal.standardError.write("error: \(e)\n")
            throw ExitCode(e.exitCode)
        }
    }
}

/// Times for `--since`, `--until`, `--from`, `--to`: ISO 8601 or @EPOCH as in a capture,
/// or a duration back from now (`90s`, `15m`, `2h`, `7d`, `1w`).
enum TimeArgument {
    static func parse(_ text: String, zone: TimeZoneSpec, now: Int64 = IngestRequest.clock()) -> Int64? {
        if let d = duration(text) { return now - d }
        return TimestampParser.parse(text, zone: zone)
    }

    /// Nanoseconds in `2h`, `7d`, `30m`, `45s`, `1w`; `nil` for anything else.
    static func duration(_ text: String) -> Int64? {
        guard let unit = text.last, let n = Int64(text.dropLast()), n >= 0 else { return nil }
        let seconds: Int64
        switch unit {
        case "s": seconds = 1
        case "m": seconds = 60
        case "h": seconds = 3600
        case "d": seconds = 86400
        case "w": seconds = 7 * 86400
        default: return nil
        }
        let (ns, overflow) = n.multipliedReportingOverflow(by: seconds * 1_000_000_000)
        return overflow ? nil : ns
    }
}
