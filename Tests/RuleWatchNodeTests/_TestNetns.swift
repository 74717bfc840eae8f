import Foundation
import Synchronization

/// A network namespace of the test's own: `rwnode-PID-RANDOM-ROLE`, linked to nothing but
/// the other namespaces of its test, removed by `remove()` (tests call it in `defer`) or, if
/// the process ends first, at exit. Namespaces this process did not create are never touched.
final class TestNetns: Sendable {
    let name: String
    let ip: String

    private static let created = Mutex<Set<String>>([])
    private static let cleanup: Void = {
        atexit {
            let names = TestNetns.created.withLock { $0 }
            for name in names { _ = try? Shell.run(Shell.find("ip") ?? "/usr/sbin/ip", ["netns", "delete", name]) }
        }
    }()

    /// Creates one; throws why it cannot (not root, no `ip`).
    init(_ role: String) throws {
        guard geteuid() == 0 else {
            throw Shell.Failure(description: "the collect tests need root: they build network namespaces of their own (run them as root, as CI does)")
        }
        ip = try Shell.require("ip")
        _ = Self.cleanup
        name = "rwnode-\(getpid())-\(UInt32.random(in: 0 ... .max))-\(role)"
        try Shell.check(ip, ["netns", "add", name])
        Self.created.withLock { _ = $0.insert(name) }
        try Shell.check(ip, ["-n", name, "link", "set", "lo", "up"])
    }

    /// Deletes it. A failed `ip netns delete` (seen once in a full run: the namespace was
    /// left, empty, and deleted by hand a second later) is tried again for up to 2 s, and a
    /// namespace still there after that stays listed for the pass at exit.
    func remove() {
        guard Self.created.withLock({ $0.contains(name) }) else { return }
        for _ in 0 ..< 100 {
            _ = try? Shell.run(ip, ["netns", "delete", name])
            if !FileManager.default.fileExists(atPath: "/run/netns/\(name)") {
                Self.created.withLock { _ = $0.remove(name) }
                return
            }
            usleep(20_000)
        }
    }

    /// Runs `tool` (found on PATH or in sbin) inside the namespace.
    @discardableResult
    func run(_ tool: String, _ arguments: [String], stdin: String? = nil,
             environment: [String: String] = [:]) throws -> Shell.Result {
        let path = tool.hasPrefix("/") ? tool : try Shell.require(tool)
        return try Shell.run(ip, ["netns", "exec", name, path] + arguments, stdin: stdin, environment: environment)
    }

    /// Like `run`, but throws unless it exits 0.
    @discardableResult
    func check(_ tool: String, _ arguments: [String], stdin: String? = nil) throws -> Shell.Result {
        let r = try run(tool, arguments, stdin: stdin)
        guard r.status == 0 else {
            throw Shell.Failure(description: "\(tool) \(arguments.joined(separator: " ")) in \(name) exited \(r.status): \(r.stderr)")
        }
        return r
    }

    /// `rulewatch ARGS` inside the namespace, with `PATH` replaced when given.
    func rulewatch(_ arguments: [String], path: String? = nil) throws -> Shell.Result {
        try Shell.run(ip, ["netns", "exec", name, Shell.rulewatch] + arguments,
                      environment: path.map { ["PATH": $0] } ?? [:])
    }
}
