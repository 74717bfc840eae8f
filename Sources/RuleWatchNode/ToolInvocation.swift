/// One command the collector ran or meant to run, and how it went.
public struct ToolInvocation: Sendable {
    public var tool: String
    public var arguments: [String]
    public var outcome: ToolOutcome

    public init(tool: String, arguments: [String], outcome: ToolOutcome) {
        self.tool = tool
        self.arguments = arguments
        self.outcome = outcome
    }

    /// `nft -j list table inet mine`, as a person would type it.
    public var commandLine: String { ([tool] + arguments).joined(separator: " ") }

    /// What it printed on standard output when it succeeded; `nil` otherwise.
    public var successfulOutput: [UInt8]? {
        if case .finished(0, let output, _) = outcome { return output }
        return nil
    }

    /// What it printed on standard error, whatever the outcome.
    public var errorOutput: String {
        switch outcome {
        case .finished(_, _, let e), .timedOut(let e): return e
        case .missing, .failedToRun: return ""
        }
    }
}
