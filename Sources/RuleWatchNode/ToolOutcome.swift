/// How one run of a node tool (`iptables-save`, `nft`, ...) ended.
public enum ToolOutcome: Sendable {
    /// Not on the search path: the node has no such backend, which is no error.
    case missing
    /// It ran to its end; `status` is its exit status, or 128 + the signal that ended it.
    case finished(status: Int32, output: [UInt8], errorOutput: String)
    /// Still running after the timeout: killed, its output thrown away.
    case timedOut(errorOutput: String)
    /// It could not be started, or its output could not be read.
    case failedToRun(reason: String)
}
