import ArgumentParser
import RuleWatchCore

extension RuleWatch {
    struct Parse: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "parse",
            abstract: "Read counter dumps and print what they hold.",
            discussion: """
            Formats are detected dump by dump: `iptables -L -v` and `ip6tables -L -v` listings \
            (with or without -x, -n, --line-numbers), `iptables-save [-c]`, `nft list ruleset` and \
            `nft -j list ruleset`. A capture is cut into snapshots at timestamp lines (ISO 8601, \
            `date`'s output, `@EPOCH`) and wherever a table comes again.

            A listing shows no table name: it is inferred from the built-in chains, and \
            --listing-table says it outright (it must for `security`, which has filter's chains). \
            Snapshots are numbered from 1 in the text, in --format jsonl and in warnings.

            Examples:
              rulewatch parse --summary capture.txt
              rulewatch parse --format jsonl capture.txt.gz | jq 'select(.pkts > 0)'
              ssh node iptables -t nat -L -v | rulewatch parse -

            Exit status: 0 done; 64 usage; 65 bad data (no snapshot, not a dump, or any warning \
            under --strict); 66 missing input; 74 read error.
            """)

        @OptionGroup var capture: CaptureOptions

        @Flag(help: "Print one line of totals: snapshots=N chains=N rules=N counted=N pkts=N bytes=N objects=N (rules' totals; objects: nft named counters).")
        var summary = false

        @Option(help: ArgumentHelp("What to print: text (a line per snapshot, then totals), summary, or jsonl (one JSON object per rule per snapshot). An input format (listing, save, nft, nft-json) here forces it, as --input-format does.",
                                   valueName: "format"))
        var format: [OutputOrInputFormat] = []

        enum OutputOrInputFormat: String, ExpressibleByArgument, CaseIterable {
            case text, summary, jsonl, listing, save, nft
            case nftJSON = "nft-json"

            var input: DumpFormat? { DumpFormat(rawValue: rawValue) }
        }

        func validate() throws {
            let outputs = format.filter { $0.input == nil }
            if outputs.count > 1 { throw ValidationError("--format takes one output format: text, summary or jsonl") }
            let inputs = format.compactMap(\.input)
            if inputs.count > 1 || (!inputs.isEmpty && capture.inputFormat != nil && capture.inputFormat != inputs.first) {
                throw ValidationError("give one input format")
            }
            if summary && outputs.contains(where: { $0 != .summary }) {
                throw ValidationError("--summary and --format \(outputs[0].rawValue) ask for different outputs")
            }
        }

        func run() throws {
            Terminal.ignoreBrokenPipes()
            let inputFormat = format.compactMap(\.input).first
            let output = summary ? .summary : (format.first { $0.input == nil } ?? .text)
            switch output {
            case .summary:
                var totals = Summary()
                try capture.read(into: &totals, format: inputFormat)
                Terminal.standardOutput.write(totals.line + "\n")
            case .jsonl:
                var lines = RuleLines { Terminal.standardOutput.write($0) }
                try capture.read(into: &lines, format: inputFormat)
            default:
                var text = SnapshotLines { Terminal.standardOutput.write($0) }
                try capture.read(into: &text, format: inputFormat)
                Terminal.standardOutput.write(text.totals.line + "\n")
            }
        }
    }
}
