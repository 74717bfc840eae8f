import Mustache
import RuleWatchCore

/// The incident as one self-contained HTML page: a headline, per rule a chart of its packets
/// per interval over egress success with the onset marked, the ruleset's changes around the
/// onset, the next-step commands, a table of every finding and what was read. Nothing is
/// fetched: styles are inline, charts are inline SVG, and the page runs no script (its
/// Content-Security-Policy forbids any).
///
/// Everything a dump said reaches the page through the template's `{{...}}`, which escapes
/// it; the charts are drawn by the template too, from numbers.
///
/// ```swift
/// let result = Analyzer().analyze(history, egress: egress, timeline: true)
/// let page = try HTMLReport(result: result, read: ReadSummary(inputs: ["capture.txt"])).render()
/// ```
public struct HTMLReport {
    public var result: AnalysisResult
    public var read: ReadSummary
    /// Charts drawn at most; the table lists every finding.
    public var maxCharts = 24

    public init(result: AnalysisResult, read: ReadSummary) {
        self.result = result
        self.read = read
    }

    public func render() throws -> String {
        let template = try MustacheTemplate(string: _Template.page)
        return template.render(context())
    }
}

/// What a report was made from, for its "what was read" section.
public struct ReadSummary: Sendable {
    /// `files` or `store`.
    public var kind: String
    /// The files (or the store's path) read.
    public var inputs: [String]

    public init(kind: String = "files", inputs: [String]) {
        self.kind = kind
        self.inputs = inputs
    }
}
