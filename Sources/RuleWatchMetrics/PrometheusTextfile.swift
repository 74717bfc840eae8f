import Glibc
import RuleWatchCore

/// Writes a `.prom` file for node_exporter's textfile collector: all of it or nothing.
///
/// The collector may read the file at any moment, and reads every `*.prom` file of its
/// directory; a half-written file would be a scrape error or, worse, half a node's series
/// vanishing. So the text goes to a temporary file in the same directory (the same file
/// system, so `rename` is atomic) whose name does not end in `.prom`, is synced, and is
/// renamed over the target.
///
/// ```swift
/// try PrometheusTextfile.write(NodeMetrics(history: history), options: options, to: "/var/lib/node_exporter/rulewatch.prom")
/// ```
public enum PrometheusTextfile {
    /// Renders `metrics` and writes them to `path` atomically (what `rulewatch export
    /// --textfile` and `rulewatch collect --textfile` do).
    public static func write(_ metrics: NodeMetrics, options: ExportOptions = ExportOptions(), to path: String) throws(TextfileError) {
        try write(PrometheusExposition.render(metrics, options: options), to: path)
    }

    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws(TextfileError) {
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TextfileError(path: temporary, errno: errno, doing: "cannot create") }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                close(fd)
                throw TextfileError(path: temporary, errno: e, doing: "cannot write")
            }
            written += n
        }
        // Synced before the rename: after a crash the name points at the whole text or the old one.
        if fsync(fd) != 0 {
            let e = errno
            close(fd)
            throw TextfileError(path: temporary, errno: e, doing: "cannot sync")
        }
        if close(fd) != 0 { throw TextfileError(path: temporary, errno: errno, doing: "cannot close") }
        guard rename(temporary, path) == 0 else { throw TextfileError(path: path, errno: errno, doing: "cannot rename \(temporary) to") }
        ok = true
    }

    /// `DIR/.NAME.PID.tmp` beside `path`: hidden, not `*.prom`, one per writing process.
    static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(directory).\(name).\(getpid()).tmp"
    }
}

/// Why a textfile could not be written.
public struct TextfileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String

    init(path: String, errno code: Int32, doing: String) {
        self.path = path
        self.message = "\(doing) \(path): \(String(cString: strerror(code)))"
    }

    public var description: String { message }
}
