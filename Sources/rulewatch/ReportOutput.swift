import ArgumentParser
import RuleWatchCore
import RuleWatchHTML

/// How `analyze` and `report` hand over their result: the same three renderings, to
/// standard output or to `--output FILE`.
struct ReportOutput {
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, html }

    var format: Format
    /// `--output`: a file instead of standard output.
    var path: String?

    /// Renders `result` and writes it. Text is coloured and fitted to the terminal only when
    /// it goes to one; `read` says what the HTML page was made from.
    func write(_ result: AnalysisResult, read: @autoclosure () -> ReadSummary) throws {
        let report: String
        switch format {
        case .json:
            report = result.json() + "\n"
        case .text:
            let out = Terminal.standardOutput
            let onTerminal = path == nil && out.isTerminal
            report = result.text(color: onTerminal && out.wantsColor, width: onTerminal ? out.columns : 80)
        case .html:
            report = try HTMLReport(result: result, read: read()).render()
        }
        if let path {
            try Terminal.writeFile(path, report)
        } else {
            Terminal.standardOutput.write(report)
        }
    }
}
