/// A problem with the input, located: `warning: FILE:LINE: message`.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable { case warning, error }
    public var severity: Severity
    public var file: String
    /// 0 when the problem is with the file as a whole.
    public var line: Int
    public var column: Int?
    public var message: String

    public init(_ severity: Severity, file: String, line: Int = 0, column: Int? = nil, _ message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `error: capture.txt:1204:17: expected '[' before packet count`
    public var description: String {
        var where_ = file
        if line > 0 { where_ += ":\(line)" }
        if let c = column { where_ += ":\(c)" }
        return "\(severity.rawValue): \(where_): \(message)"
    }
}

/// Why a capture could not be read at all; `exitStatus` follows sysexits(3).
public struct CaptureError: Error, Sendable, CustomStringConvertible {
    public var diagnostic: Diagnostic
    /// 65 (EX_DATAERR) bad data, 66 (EX_NOINPUT) missing input, 74 (EX_IOERR) read failure.
    public var exitStatus: Int32
    public init(_ diagnostic: Diagnostic, exitStatus: Int32) {
        self.diagnostic = diagnostic
        self.exitStatus = exitStatus
    }
    public var description: String { diagnostic.description }
}
