/// What `--config FILE` holds: rules to ignore and the detectors' thresholds.
///
/// The file is plain text, one directive a line; blank lines and `#` comments are skipped:
///
///     # a known, legitimate DNAT must not alert every minute
///     ignore nat/PREROUTING/DNAT~10\.96\.0\.10
///     ignore 3f2a9c01b4de
///     threshold egress-drop 0.3
///
/// - `ignore SELECTOR`: drop findings about the rules the selector names (see `RuleSelector`:
///   a `rule_id`, or `TABLE/CHAIN[/TARGET]` with an optional `~REGEX` over the rule's text).
/// - `threshold NAME VALUE`: set a detector's threshold. Names and defaults:
///   `egress-drop 0.2` (fall in egress success rate that counts as a drop),
///   `egress-min-attempts 3`, `climb-min-packets 3` (packets per interval to count as
///   climbing), `near-zero 0.1` (earlier rate, as a share of the later, that counts as
///   zero), `step-factor 3` (how many times its earlier rate a busy rule must reach),
///   `onset-window 1` (intervals a climb may lead or trail the egress drop),
///   `baseline-intervals 5`, `drop-climb-factor 4`, `drop-climb-min-packets 50`,
///   `reset-chain-fraction 0.5` (share of a chain's rules resetting at once that makes a
///   chain rewrite).
public struct AnalyzerConfig {
    public var ignores: [RuleSelector] = []
    public var thresholds = AnalyzerThresholds()

    public init(ignores: [RuleSelector] = [], thresholds: AnalyzerThresholds = AnalyzerThresholds()) {
        self.ignores = ignores
        self.thresholds = thresholds
    }

    /// Reads a config file.
    ///
    /// - Throws: `CaptureError` with status 66 when it cannot be read, 65 (with the line)
    ///   when a directive is wrong.
    public static func load(path: String) throws -> AnalyzerConfig {
        try parse(try WholeFile.read(path), file: path)
    }

    /// Reads a config file's text.
    public static func parse(_ bytes: [UInt8], file: String) throws -> AnalyzerConfig {
        var config = AnalyzerConfig()
        let text = String(decoding: bytes, as: UTF8.self)
        for (i, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            func fail(_ message: String) -> CaptureError {
                CaptureError(Diagnostic(.error, file: file, line: i + 1, message), exitStatus: 65)
            }
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#"), line[..<hash].allSatisfy({ $0 == " " || $0 == "\t" }) { line = line[..<hash] }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let directive = words.first else { continue }
            switch directive {
            case "ignore":
                guard words.count == 2 else { throw fail("expected 'ignore SELECTOR'") }
                do { config.ignores.append(try RuleSelector(parsing: words[1])) } catch {
                    throw fail("\(error)")
                }
            case "threshold":
                guard words.count == 3, let value = Double(words[2]), value.isFinite, value >= 0 else {
                    throw fail("expected 'threshold NAME VALUE' with a number VALUE")
                }
                guard config.thresholds.set(words[1], value) else {
                    throw fail("unknown threshold '\(words[1])'; known: \(AnalyzerThresholds.names.joined(separator: ", "))")
                }
            default:
                throw fail("unknown directive '\(directive)'; expected 'ignore' or 'threshold'")
            }
        }
        return config
    }
}
