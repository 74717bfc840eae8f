import ArgumentParser

/// `--format` of the commands that print text or JSON only (`history`, `diff`); `analyze` and
/// `report` also draw HTML (`Analyze.OutputFormat`).
enum TextOrJSONFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
