import Glibc
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs the node's firewall tools, each under a timeout, and collects what they print.
///
/// Tools are looked up in `searchPath` (the `PATH` the collector was started with): a cron
/// job's `PATH` decides which backends it sees, and a tool not there is `.missing`, not an
/// error. A tool still running at the timeout is killed (SIGKILL, after which its pipes
/// close), so one stuck `nft` cannot hold up the minute's snapshot forever.
public struct ToolRunner: Sendable {
    /// Directories searched for each tool, in order.
    public var searchPath: [String]
    /// How long one tool may run.
    public var timeout: Duration
    /// Standard output beyond this many bytes fails the run instead of filling memory; a
    /// 33,000-rule `iptables-save -c` prints about 5 MB.
    public var outputLimit: Int
    /// Standard error kept for the report; the rest is cut.
    public var errorLimit = 16 << 10

    public init(searchPath: [String] = ToolRunner.environmentPath(), timeout: Duration = .seconds(10),
                outputLimit: Int = 1 << 30) {
        self.searchPath = searchPath
        self.timeout = timeout
        self.outputLimit = outputLimit
    }

    /// The directories of this process's `PATH` (empty entries skipped).
    public static func environmentPath() -> [String] {
        guard let raw = getenv("PATH") else { return ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"] }
        return String(cString: raw).split(separator: ":").map(String.init).filter { !$0.isEmpty }
    }

    /// Where `tool` would be run from, or `nil` when no directory of the search path holds
    /// an executable file of that name.
    public func locate(_ tool: String) -> String? {
        for dir in searchPath {
            let path = dir.hasSuffix("/") ? dir + tool : dir + "/" + tool
            var st = stat()
            if stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG, access(path, X_OK) == 0 { return path }
        }
        return nil
    }

    /// Runs `tool` with `arguments` to its end or the timeout.
    public func run(_ tool: String, _ arguments: [String]) async -> ToolInvocation {
        guard let path = locate(tool) else {
            return ToolInvocation(tool: tool, arguments: arguments, outcome: .missing)
        }
        let outcome = await withTaskGroup(of: ToolOutcome?.self) { group in
            group.addTask { await self.runToEnd(path: path, arguments: arguments) }
            group.addTask {
                // nil when cancelled: the tool finished first.
                do { try await Task.sleep(for: self.timeout) } catch { return nil }
                return .timedOut(errorOutput: "")
            }
            var first: ToolOutcome?
            while first == nil, let next = await group.next() { first = next }
            // Cancelling the run kills the tool (Subprocess's teardown ends with SIGKILL)
            // and waits for it, so nothing is left behind.
            group.cancelAll()
            return first ?? .failedToRun(reason: "cancelled")
        }
        return ToolInvocation(tool: tool, arguments: arguments, outcome: outcome)
    }

    private func runToEnd(path: String, arguments: [String]) async -> ToolOutcome {
        let limit = outputLimit
        do {
            let result = try await Subprocess.run(
                .path(FilePath(path)), arguments: Arguments(arguments),
                input: .none, output: .sequence, error: .string(limit: errorLimit)
            ) { execution in
                // Streamed rather than collected: the collecting form reserves its whole
                // limit up front.
                var bytes: [UInt8] = []
                for try await buffer in execution.standardOutput {
                    buffer.withUnsafeBytes { bytes.append(contentsOf: $0) }
                    if bytes.count > limit { throw OutputTooLong(limit: limit) }
                }
                return bytes
            }
            let status: Int32
            switch result.terminationStatus {
            case .exited(let code): status = code
            case .signaled(let signal): status = 128 + signal
            }
            return .finished(status: status, output: result.closureResult, errorOutput: result.standardError)
        } catch let error as OutputTooLong {
            return .failedToRun(reason: "printed more than \(error.limit) bytes")
        } catch {
            return .failedToRun(reason: "\(error)")
        }
    }

    private struct OutputTooLong: Error {
        var limit: Int
    }
}
