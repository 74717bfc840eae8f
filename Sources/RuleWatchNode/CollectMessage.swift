/// Something a collection run has to say: a tool the node lacks, a backend it found, a tool
/// that failed. Written into the capture as `# collect: ...` lines and, for failures, on
/// standard error.
public struct CollectMessage: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        /// How the node was read (a missing tool, legacy tables taken too): nothing to fix.
        case note
        /// The capture is whole but may mislead (a probe from the node's own namespace).
        case warning
        /// Part of the node could not be read: a tool failed or timed out.
        case error
    }

    public var severity: Severity
    public var message: String

    public init(_ severity: Severity, _ message: String) {
        self.severity = severity
        self.message = message
    }

    /// `error: nft -j list table inet mine: exit status 1: Error: ...`
    public var description: String { "\(severity.rawValue): \(message)" }

    /// One line, for a `#` comment in the capture: newlines become ` | `.
    public var singleLine: String {
        description.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).joined(separator: " | ")
    }
}
