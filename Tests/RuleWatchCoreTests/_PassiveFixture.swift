import Foundation
import Glibc
import Synchronization
import Testing
@testable import RuleWatchCore

/// Pods' egress on a real kernel, read passively: for each scenario three network namespaces of
/// the test's own, linked only to each other,
///
///     pod (10.77.1.2) --veth-- node (10.77.1.1 | 10.77.2.1, routes) --veth-- far (10.77.2.2)
///
/// The far server accepts on :443 and :8080. Every interval a client in the pod opens 24
/// connections spread over two seconds (16 to :443, 8 to :8080; it gives up on one after
/// 1.5 s) and counts how many succeed: the pods' own success rate. Then the test does what
/// `collect` does: the pod's and the node's TCP counters (`TCPNamespaceReader`, the node's
/// namespace standing for the host's) and `iptables-save -c` of the node go into a capture.
/// The culprit (on :443) goes in before interval `inject`, or for the DROP near the end of it,
/// so that its rule counts a packet or two in its first interval. The lossy run has no culprit
/// but drops every 33rd TCP packet each way (3%) in the far server's own namespace: a steady
/// loss. Drawn at random instead, a run now and then lost several SYNs of one interval and
/// lifted its retransmissions past the estimator's two-sigma allowance, which is a burst, not
/// the steady loss this run is about, and failed the test by chance.
///
/// Made once per test process, the four scenarios at once (they mostly wait).
struct PassiveRun: Sendable {
    let scenario: PassiveScenario
    /// The capture as `collect` would write it.
    let capture: String
    /// `truth[s]`: the client's own count for the interval ending at snapshot `s` (nil for 0).
    let truth: [EgressSample?]

    /// The capture parsed (each time: a history is not `Sendable`).
    var history: CaptureHistory {
        var h = CaptureHistory()
        try! CaptureParser().parse(bytes: Array(capture.utf8), name: scenario.rawValue, into: &h)
        return h
    }

    static let intervals = 7
    static let inject = 4

    var passive: PassiveEgress { PassiveEgress(history: history) }
}

enum PassiveScenario: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case redirect, reject, drop, lossy

    /// The node's culprit rule on :443, as iptables arguments.
    var culprit: String? {
        switch self {
        case .redirect: "-t nat -A PREROUTING -p tcp --dport 443 -j REDIRECT --to-ports 47443"
        case .reject: "-A FORWARD -p tcp --dport 443 -j REJECT"
        case .drop: "-A FORWARD -p tcp --dport 443 -j DROP"
        case .lossy: nil
        }
    }

    var target: String { rawValue.uppercased() }
    var testDescription: String { rawValue }
}

struct PassiveFixtureError: Error, CustomStringConvertible, Sendable {
    var description: String
}

enum PassiveFixture {
    private static let runs: [PassiveScenario: Result<PassiveRun, PassiveFixtureError>] = makeAll()

    static func run(_ scenario: PassiveScenario) throws -> PassiveRun { try runs[scenario]!.get() }

    private static func makeAll() -> [PassiveScenario: Result<PassiveRun, PassiveFixtureError>] {
        guard geteuid() == 0 else {
            let e = PassiveFixtureError(description: "the passive egress kernel tests make network namespaces: run them as root, as CI does")
            return Dictionary(uniqueKeysWithValues: PassiveScenario.allCases.map { ($0, .failure(e)) })
        }
        let results = Mutex([PassiveScenario: Result<PassiveRun, PassiveFixtureError>]())
        let group = DispatchGroup()
        for scenario in PassiveScenario.allCases {
            group.enter()
            Thread.detachNewThread {
                let r: Result<PassiveRun, PassiveFixtureError>
                do { r = .success(try PassiveRunMaker(scenario).make()) } catch let e as PassiveFixtureError {
                    r = .failure(e)
                } catch { r = .failure(PassiveFixtureError(description: "\(scenario): \(error)")) }
                results.withLock { $0[scenario] = r }
                group.leave()
            }
        }
        group.wait()
        return results.withLock { $0 }
    }
}


/// Builds one scenario's namespaces, runs its intervals and removes everything again.
private final class PassiveRunMaker {
    let scenario: PassiveScenario
    let tag: String
    let pod: String, node: String, far: String
    var made: [String] = []
    var server: Process?
    /// The server's standard input: it exits when this closes, with the test process if need be.
    var serverInput: Pipe?

    init(_ scenario: PassiveScenario) {
        self.scenario = scenario
        tag = "\(getpid())-\(UInt32.random(in: 0 ... .max))"
        pod = "rwp-pod-\(scenario.rawValue)-\(tag)"
        node = "rwp-node-\(scenario.rawValue)-\(tag)"
        far = "rwp-far-\(scenario.rawValue)-\(tag)"
        PassiveCleanup.register(self)
    }

    func make() throws -> PassiveRun {
        defer { cleanUp() }
        try setUp()
        var capture = ""
        var truth: [EgressSample?] = []
        for s in 0...PassiveRun.intervals {
            if s == 0 {
                truth.append(nil)
            } else {
                if s == PassiveRun.inject, let rule = scenario.culprit, scenario != .drop {
                    try sh("ip netns exec \(node) iptables \(rule)")
                }
                let late = s == PassiveRun.inject && scenario == .drop ? scenario.culprit : nil
                truth.append(try runClient(injectingLate: late))
            }
            capture += snapshot()
        }
        var history = CaptureHistory()
        do {
            try CaptureParser().parse(bytes: Array(capture.utf8), name: scenario.rawValue, into: &history)
        } catch { throw fail("parsing its own capture: \(error)\n\(capture)") }
        return PassiveRun(scenario: scenario, capture: capture, truth: truth)
    }

    private func fail(_ what: String) -> PassiveFixtureError {
        PassiveFixtureError(description: "\(scenario): \(what)")
    }

    @discardableResult
    private func sh(_ command: String) throws -> String {
        let (status, output) = try KernelFixture.run("/bin/sh", ["-c", command])
        guard status == 0 else { throw fail("`\(command)` exited \(status): \(output)") }
        return output
    }

    private func setUp() throws {
        for ns in [pod, node, far] {
            try sh("ip netns add \(ns)")
            made.append(ns)
            try sh("ip -n \(ns) link set lo up")
        }
        // Each veth pair is born inside the namespaces: no end ever exists in the host's.
        try sh("""
            ip -n \(node) link add vpod type veth peer name eth0 netns \(pod) && \
            ip -n \(node) link add vfar type veth peer name eth0 netns \(far) && \
            ip -n \(pod) addr add 10.77.1.2/24 dev eth0 && ip -n \(pod) link set eth0 up && \
            ip -n \(pod) route add default via 10.77.1.1 && \
            ip -n \(far) addr add 10.77.2.2/24 dev eth0 && ip -n \(far) link set eth0 up && \
            ip -n \(far) route add default via 10.77.2.1 && \
            ip -n \(node) addr add 10.77.1.1/24 dev vpod && ip -n \(node) link set vpod up && \
            ip -n \(node) addr add 10.77.2.1/24 dev vfar && ip -n \(node) link set vfar up && \
            ip netns exec \(node) sysctl -qw net.ipv4.ip_forward=1
            """)
        // A small node ruleset: the pod's traffic is forwarded and masqueraded.
        try sh("""
            ip netns exec \(node) sh -c 'iptables -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT && \
            iptables -A FORWARD -s 10.77.1.0/24 -p tcp --dport 8080 -j ACCEPT && \
            iptables -A FORWARD -p tcp --dport 22 -j DROP && \
            iptables -t nat -A POSTROUTING -s 10.77.1.0/24 -o vfar -j MASQUERADE'
            """)
        if scenario == .lossy {
            try sh("""
                ip netns exec \(far) sh -c 'iptables -A INPUT -p tcp -m statistic --mode nth --every 33 --packet 0 -j DROP && \
                iptables -A OUTPUT -p tcp -m statistic --mode nth --every 33 --packet 0 -j DROP'
                """)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: KernelFixture.findTool("ip") ?? "/usr/sbin/ip")
        p.arguments = ["netns", "exec", far, "python3", "-c", Self.serverProgram]
        p.standardOutput = FileHandle.nullDevice
        let input = Pipe()
        p.standardInput = input
        try p.run()
        server = p
        serverInput = input
        // Until both ports answer.
        try sh("""
            ip netns exec \(far) python3 -c 'import socket, time
            for _ in range(100):
                try:
                    [socket.create_connection(("127.0.0.1", p), timeout=1).close() for p in (443, 8080)]
                    break
                except OSError: time.sleep(0.05)
            else: raise SystemExit("server did not start")'
            """)
    }

    /// Runs one interval's client; for the DROP, puts the culprit in while the client's last
    /// :443 connection is yet to come.
    private func runClient(injectingLate rule: String?) throws -> EgressSample {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: KernelFixture.findTool("ip") ?? "/usr/sbin/ip")
        p.arguments = ["netns", "exec", pod, "python3", "-c", Self.clientProgram]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        if let rule {
            usleep(1_880_000)
            try sh("ip netns exec \(node) iptables \(rule)")
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let fields = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { UInt64($0) }
        guard p.terminationStatus == 0, fields.count == 2 else { throw fail("client failed: \(String(decoding: data, as: UTF8.self))") }
        return EgressSample(ok: fields[0], total: fields[1])
    }

    /// A timestamp, the `# tcp` lines, the node's dump: what `collect` writes per run.
    private func snapshot() -> String {
        var readings: [TCPReading] = []
        if let n = TCPNamespaceReader.read(namespaceFile: "/var/run/netns/\(node)", as: TCPReading.hostNamespace) {
            readings.append(n)
        }
        if let p = TCPNamespaceReader.read(namespaceFile: "/var/run/netns/\(pod)", as: "pod") { readings.append(p) }
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let dump = (try? sh("ip netns exec \(node) iptables-save -c")) ?? ""
        return "@\(ts.tv_sec)\n" + TCPReading.lines(readings) + dump
    }

    func cleanUp() {
        if let server, server.isRunning {
            // KILL: signals the test's threads block stay blocked across exec, TERM included.
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        server = nil
        serverInput = nil
        for ns in made.reversed() { _ = try? KernelFixture.run("/bin/sh", ["-c", "ip netns delete \(ns)"]) }
        made = []
    }

    static let serverProgram = """
        import os, socket, sys, threading
        def serve(port):
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", port)); s.listen(128)
            while True:
                c, _ = s.accept(); c.close()
        for p in (443, 8080): threading.Thread(target=serve, args=(p,), daemon=True).start()
        sys.stdin.read()
        os._exit(0)
        """

    /// 24 connections over two seconds, every third to :8080 and the last to :443.
    static let clientProgram = """
        import socket, threading, time
        ok = [0]; lock = threading.Lock()
        def attempt(port):
            try:
                socket.create_connection(("10.77.2.2", port), timeout=1.5).close()
                with lock: ok[0] += 1
            except OSError: pass
        threads = []
        start = time.monotonic()
        for i in range(24):
            time.sleep(max(0, start + i * 2.0 / 24 - time.monotonic()))
            t = threading.Thread(target=attempt, args=(8080 if i % 3 == 1 else 443,)); t.start(); threads.append(t)
        for t in threads: t.join()
        print(ok[0], 24)
        """
}

/// Removes every scenario's namespaces and server if the test process exits early.
private enum PassiveCleanup {
    nonisolated(unsafe) static var makers: [PassiveRunMaker] = []
    static let lock = NSLock()
    static func register(_ m: PassiveRunMaker) {
        lock.lock()
        defer { lock.unlock() }
        if makers.isEmpty { atexit { PassiveCleanup.lock.lock(); PassiveCleanup.makers.forEach { $0.cleanUp() }; PassiveCleanup.lock.unlock() } }
        makers.append(m)
    }
}
