import ArgumentParser

/// `--format` of the commands that print text or JSON only (`history`, `diff`); `analyze` and
/// `report` also draw HTML (`ReportOutput.Format`).
enum TextOrJSONFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
