/// Names rules, one syntax everywhere (`--ignore`, `ignore` in a config file):
///
///     SELECTOR := RULE_ID | TABLE/CHAIN[/TARGET][~REGEX]
///
/// - `RULE_ID`: a rule's 12-hex-digit `rule_id` as reports print it (a prefix of at least 6
///   digits will do).
/// - `TABLE/CHAIN[/TARGET]`: exact names, or `*` alone for any (`nat/PREROUTING/DNAT`,
///   `*/PREROUTING`); there are no other wildcards.
/// - `~REGEX`: a regular expression that must match somewhere in the rule's text as the
///   dump printed it (`nat/PREROUTING/DNAT~10\.96\.0\.10`).
///
/// A selector without a target or regex also names findings about the chain (resets).
public struct RuleSelector: CustomStringConvertible {
    public let description: String
    let ruleID: String?
    let table: String?
    let chain: String?
    let target: String?
    let pattern: Regex<AnyRegexOutput>?

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(parsing text: String) throws {
        description = text
        var head = Substring(text)
        var regex: Regex<AnyRegexOutput>?
        if let tilde = text.firstIndex(of: "~") {
            head = text[..<tilde]
            let source = String(text[text.index(after: tilde)...])
            do { regex = try Regex(source) } catch {
                throw ParseError(description: "invalid regular expression '\(source)' in selector '\(text)'")
            }
        }
        pattern = regex
        if head.contains("/") {
            let parts = head.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty,
                  parts.count == 2 || !parts[2].isEmpty else {
                throw ParseError(description: "expected TABLE/CHAIN[/TARGET] in selector '\(text)'")
            }
            ruleID = nil
            table = parts[0] == "*" ? nil : parts[0]
            chain = parts[1] == "*" ? nil : parts[1]
            target = parts.count == 3 && parts[2] != "*" ? parts[2] : nil
        } else if head.count >= 6, head.count <= 16, head.allSatisfy(\.isHexDigit) {
            ruleID = head.lowercased()
            table = nil; chain = nil; target = nil
        } else if head.isEmpty, regex != nil {
            ruleID = nil; table = nil; chain = nil; target = nil
        } else {
            throw ParseError(description: "expected a rule_id or TABLE/CHAIN[/TARGET][~REGEX], got '\(text)'")
        }
    }

    /// Whether the selector names `finding`'s rule (or chain, for chain-wide findings).
    public func matches(_ f: Finding) -> Bool {
        if let ruleID { return !f.ruleID.isEmpty && f.ruleID.hasPrefix(ruleID) }
        if let table, table != f.table { return false }
        if let chain, chain != f.chain { return false }
        if let target, target != f.target { return false }
        if let pattern { return f.rule.contains(pattern) }
        return true
    }
}
