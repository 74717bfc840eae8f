import ArgumentParser
import RuleWatchCore

/// How to read the captures: shared by every command that reads dumps.
struct CaptureOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Capture files, read as one capture in order; `-` or none reads standard input. gzip input (`.gz`, or piped) is inflated.",
                                 valueName: "capture"))
    var files: [String] = []

    @Option(name: .customLong("input-format"),
            help: ArgumentHelp("Read every dump as this format instead of detecting it: listing, save, nft, nft-json.",
                               valueName: "format"))
    var inputFormat: DumpFormat?

    @Option(help: ArgumentHelp("The family of listings and saves that do not show it: ip or ip6 (ip6tables without -n prints `anywhere`).",
                               valueName: "family"))
    var family: ListingFamily?

    /// What `--family` takes: the families iptables and ip6tables dumps belong to (nft
    /// dumps name their own).
    enum ListingFamily: String, ExpressibleByArgument, CaseIterable {
        case ip, ip6
        var family: Family { self == .ip ? .ip : .ip6 }
    }

    @Option(help: ArgumentHelp("The zone of timestamps that carry none: UTC, +02:00, or a tz name such as Europe/Berlin.",
                               valueName: "zone"))
    var tz: String = "UTC"

    @Option(name: .customLong("listing-table"),
            help: ArgumentHelp("The table a listing shows, when its built-in chains cannot tell: a listing has no table header, and `security` has filter's chains.",
                               valueName: "table"))
    var listingTable: String?

    @Flag(help: "Treat every unreadable line as an error (exit status 65) instead of a warning.")
    var strict = false

    func parseOptions(format override: DumpFormat? = nil) throws -> ParseOptions {
        guard let zone = TimeZoneSpec(parsing: tz) else {
            throw ValidationError("unknown time zone '\(tz)': give UTC, an offset such as +02:00, or a tz name such as Europe/Berlin")
        }
        return ParseOptions(format: override ?? inputFormat, table: listingTable, family: family?.family, timeZone: zone, strict: strict)
    }

    /// Runs the parser, printing warnings and (on a terminal) progress to stderr; a capture
    /// error is printed and becomes the exit status.
    /// - Parameter concurrently: feed the sink on a second thread (`analyze`: ingesting costs
    ///   about what parsing does, and the two overlap).
    func read<S: DumpSink>(into sink: inout S, format override: DumpFormat? = nil, concurrently: Bool = false) throws {
        var parser = CaptureParser(options: try parseOptions(format: override)) { warning in
            Terminal.standardError.clearProgress()
            Terminal.standardError.write(warning.description + "\n")
        }
        if files.isEmpty || files.contains("-"), Terminal.standardInput.isTerminal {
            // Otherwise a run without a file looks like a hang.
            Terminal.standardError.write("rulewatch: reading a capture from standard input (end it with Ctrl-D)\n")
        }
        if Terminal.standardError.isTerminal {
            Terminal.standardError.beginProgress()
            parser.onProgress = { read, total in Terminal.standardError.progress(read: read, total: total) }
        }
        try Terminal.reportingCaptureErrors {
            defer { Terminal.standardError.clearProgress() }
            if concurrently {
                try parser.parseConcurrently(files: files, into: &sink)
            } else {
                try parser.parse(files: files, into: &sink)
            }
        }
    }
}

extension DumpFormat: ExpressibleByArgument {}
extension Family: ExpressibleByArgument {}
