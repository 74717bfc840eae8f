import ArgumentParser
import Glibc
import RuleWatchCore

/// Standard output and error, written through Glibc: no Foundation in the tool either.
struct Terminal {
    let fd: Int32

    static let standardInput = Terminal(fd: 0)
    static let standardOutput = Terminal(fd: 1)
    static let standardError = Terminal(fd: 2)

    var isTerminal: Bool { isatty(fd) == 1 }

    /// Colour only on a terminal, and never with `NO_COLOR` set (no-color.org).
    var wantsColor: Bool { isTerminal && getenv("NO_COLOR") == nil }

    /// The terminal's width, 80 when it is not one.
    var columns: Int {
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    /// Writes all of `text`; a closed pipe (`rulewatch ... | head`) ends the run quietly.
    func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    if errno == EPIPE { exit(0) }
                    return
                }
                offset += n
            }
        }
    }

    /// `reading: 64 of 300 MiB (21%), 45 MiB/s, 5 s left` on one line, rewritten in place:
    /// how much, how fast, and how long still (when the total is known).
    func progress(read: Int, total: Int?) {
        let now = Terminal.monotonicSeconds()
        if Terminal.progressStart == nil { Terminal.progressStart = (now, read) }
        if read == 0 { return }
        let rate = Terminal.rate(read, now: now)
        var line = "\r\u{1B}[Kreading: \(read >> 20)"
        if let total, total > 0 {
            line += " of \(total >> 20) MiB (\(read * 100 / total)%)"
        } else {
            line += " MiB"
        }
        if rate > 0 { line += ", \(Int(rate) >> 20) MiB/s" + Terminal.left(read, of: total, rate: rate) }
        write(line)
        Terminal.progressShown = true
    }

    /// `storing: 120 of 1440 snapshots (8%), 35/s, 37 s left` on one line, rewritten in
    /// place at most ten times a second (and once more at the end): for work counted in
    /// things rather than bytes. `done == 0` starts the clock the rate is measured by.
    func progress(_ doing: String, done: Int, of total: Int?, _ things: String) {
        let now = Terminal.monotonicSeconds()
        if done == 0 || Terminal.progressStart == nil {
            Terminal.progressStart = (now, 0)
            Terminal.progressDrawn = nil
            if done == 0 { return }
        }
        if let drawn = Terminal.progressDrawn, now - drawn < 0.1, done != total { return }
        Terminal.progressDrawn = now
        let rate = Terminal.rate(done, now: now)
        var line = "\r\u{1B}[K\(doing): \(done)"
        if let total, total > 0 {
            line += " of \(total) \(things) (\(done * 100 / total)%)"
        } else {
            line += " \(things)"
        }
        if rate > 0 {
            line += (rate >= 10 ? ", \(Int(rate))/s" : ", \(Double(Int(rate * 10)) / 10)/s") + Terminal.left(done, of: total, rate: rate)
        }
        write(line)
        Terminal.progressShown = true
    }

    /// Units done per second since the progress clock started; 0 until it has run a moment.
    private static func rate(_ done: Int, now: Double) -> Double {
        let (t0, d0) = progressStart!
        let elapsed = now - t0
        return elapsed > 0.05 ? Double(done - d0) / elapsed : 0
    }

    /// `, 5 s left` when the total is known and not yet reached.
    private static func left(_ done: Int, of total: Int?, rate: Double) -> String {
        guard let total, total > done else { return "" }
        return ", \(duration(Double(total - done) / rate)) left"
    }

    nonisolated(unsafe) private static var progressDrawn: Double?

    /// Starts the clock the rate is measured by: call before reading begins.
    func beginProgress() { Terminal.progressStart = (Terminal.monotonicSeconds(), 0) }

    /// `5 s`, `3 min 20 s`, `1 h 05 min`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(s % 60 < 10 ? "0" : "")\(s % 60) s" }
        return "\(s / 3600) h \((s % 3600) / 60 < 10 ? "0" : "")\((s % 3600) / 60) min"
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// When and at how many bytes the first progress line was drawn: the rate counts from there.
    nonisolated(unsafe) private static var progressStart: (seconds: Double, read: Int)?

    func clearProgress() {
        if Terminal.progressShown {
            write("\r\u{1B}[K")
            Terminal.progressShown = false
        }
    }

    nonisolated(unsafe) private static var progressShown = false

    /// Runs `body`; a `CaptureError` it throws is printed (`error: FILE:LINE: ...`) and
    /// becomes the exit status.
    static func reportingCaptureErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CaptureError {
            standardError.write(error.description + "\n")
            throw ExitCode(error.exitStatus)
        }
    }

    /// Writes `text` to the file at `path`, replacing it; a failure is printed and exits 74.
    static func writeFile(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            standardError.write("error: \(path): cannot write: \(String(cString: strerror(errno)))\n")
            throw ExitCode(74)
        }
        var text = text
        var failed: Int32 = 0
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = errno
                    return
                }
                offset += n
            }
        }
        if close(fd) != 0 && failed == 0 { failed = errno }
        if failed != 0 {
            standardError.write("error: \(path): cannot write: \(String(cString: strerror(failed)))\n")
            throw ExitCode(74)
        }
    }

    /// A write to a closed pipe fails with EPIPE instead of killing the process.
    static func ignoreBrokenPipes() { signal(SIGPIPE, SIG_IGN) }
}
