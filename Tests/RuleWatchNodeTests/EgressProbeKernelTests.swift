import Foundation
import Glibc
import RuleWatchCore
import RuleWatchNode
import Testing

/// The egress probe on a real kernel: a pod namespace and a server namespace joined by a veth
/// pair (nothing else), a listener on :8080, nothing on :8081, and :8082 dropped.
@Suite("egress probe on a real kernel")
struct EgressProbeKernelTests {
    /// Two namespaces of one test and the listener in the server's; `close()` removes all.
    final class Network: Sendable {
        let pod: TestNetns
        let server: TestNetns
        let listener: Int32
        static let serverAddress = "10.213.7.2"

        init() throws {
            pod = try TestNetns("pod")
            do {
                server = try TestNetns("srv")
            } catch {
                pod.remove()
                throw error
            }
            do {
                try pod.check("ip", ["link", "add", "rwpod0", "type", "veth", "peer", "name", "rwsrv0", "netns", server.name])
                try pod.check("ip", ["addr", "add", "10.213.7.1/24", "dev", "rwpod0"])
                try pod.check("ip", ["link", "set", "rwpod0", "up"])
                try server.check("ip", ["addr", "add", "\(Self.serverAddress)/24", "dev", "rwsrv0"])
                try server.check("ip", ["link", "set", "rwsrv0", "up"])
                try server.check("iptables-nft", ["-A", "INPUT", "-p", "tcp", "--dport", "8082", "-j", "DROP"])
                // Counts the pod's own connections to :8080, to tell where the probe ran.
                try pod.check("iptables-nft", ["-A", "OUTPUT", "-p", "tcp", "--dport", "8080", "--syn"])
                // The kernel completes handshakes into the backlog without accept().
                listener = try Self.background(in: server, """
                    import socket, sys, time
                    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind(("\(Self.serverAddress)", 8080)); s.listen(128)
                    print("ready", flush=True); time.sleep(120)
                    """)
            } catch {
                pod.remove()
                server.remove()
                throw error
            }
        }

        func close() {
            Self.kill(listener)
            pod.remove()
            server.remove()
        }

        /// Starts a Python program in `ns`, detached from this process, and returns its pid
        /// once it has printed its first line.
        static func background(in ns: TestNetns, _ program: String) throws -> Int32 {
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("rwnode-bg-\(getpid())-\(UInt32.random(in: 0 ... .max))")
            defer { try? FileManager.default.removeItem(at: log) }
            // It first closes what it inherited: Foundation's Process learns that a child ended
            // when a socket the child holds closes, and a grandchild holding it too would
            // keep that child "running" for as long as the grandchild lives.
            let started = try ns.check("sh", ["-c", "\"$0\" -c \"$1\" > \"$2\" 2>&1 < /dev/null & echo $!",
                                             try Shell.require("python3"), "import os; os.closerange(3, 1 << 16)\n" + program, log.path])
            guard let pid = Int32(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw Shell.Failure(description: "no pid from the background start: \(started.stdout)")
            }
            for _ in 0 ..< 250 {
                if let text = try? String(contentsOf: log, encoding: .utf8), text.contains("\n") {
                    guard text.hasPrefix("ready") else {
                        kill(pid)
                        throw Shell.Failure(description: "the background program failed: \(text)")
                    }
                    return pid
                }
                usleep(20_000)
            }
            kill(pid)
            throw Shell.Failure(description: "the background program did not start in 5 s")
        }

        static func kill(_ pid: Int32) {
            _ = Glibc.kill(pid, SIGKILL)
        }

        /// Packets the pod's OUTPUT rule for :8080 counted.
        func podSynsTo8080() throws -> Int {
            let save = try pod.check("iptables-nft-save", ["-c", "-t", "filter"]).stdout
            guard let line = save.split(separator: "\n").first(where: { $0.contains("--dport 8080") }),
                  let close = line.firstIndex(of: ":") else { return -1 }
            return Int(line[line.index(after: line.startIndex) ..< close]) ?? -1
        }
    }

    static func endpoints(_ ports: [Int]) -> [ProbeEndpoint] {
        ports.map { ProbeEndpoint(host: Network.serverAddress, port: UInt16($0)) }
    }

    @Test func probeCountsConnectionsThatSucceedRefuseAndTimeOutFromAPodNamespace() async throws {
        let net = try Network()
        defer { net.close() }
        let probe = EgressProbe(endpoints: Self.endpoints([8080, 8081, 8082]), connectionsPerEndpoint: 3,
                                timeout: .milliseconds(800), namespace: .named(net.pod.name))
        let result = try await probe.run()
        let byPort = Dictionary(uniqueKeysWithValues: result.endpoints.map { (Int($0.endpoint.port), $0) })
        #expect(byPort[8080]?.ok == 3 && byPort[8080]?.total == 3, "\(result.endpoints)")
        #expect(byPort[8081]?.ok == 0 && byPort[8081]?.total == 3)
        #expect(byPort[8081]?.lastFailure == "Connection refused")
        #expect(byPort[8082]?.ok == 0 && byPort[8082]?.total == 3)
        #expect(byPort[8082]?.lastFailure?.hasPrefix("timed out") == true, "\(String(describing: byPort[8082]?.lastFailure))")
        #expect(result.sample == EgressSample(ok: 3, total: 9))
        // Made from the pod: its OUTPUT saw them, and this process's namespace is not the pod's.
        #expect(try net.podSynsTo8080() == 3)
        #expect(!result.messages.contains { $0.severity == .warning })
    }

    @Test func aNamespaceThatDoesNotExistIsAnError() async throws {
        let probe = EgressProbe(endpoints: Self.endpoints([8080]), namespace: .named("rwnode-\(getpid())-absent"))
        await #expect(throws: ProbeError.self) { try await probe.run() }
    }

    @Test func collectProbesFromAPodNamespaceGivenByProcessId() throws {
        let net = try Network()
        defer { net.close() }
        // A process living in the pod's namespace, as a pod's container would.
        let pid = try Network.background(in: net.pod, "import time; print('ready', flush=True); time.sleep(60)")
        defer { Network.kill(pid) }
        #expect(try Self.inode("/proc/\(pid)/ns/net") == Self.inode("/var/run/netns/\(net.pod.name)"))
        let run = try net.server.rulewatch(["collect", "--print", "--egress-probe",
                                            "\(Network.serverAddress):8080,\(Network.serverAddress):8081",
                                            "--probe-netns", "\(pid)"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count > 1 && lines[1] == "# egress ok=3 total=6", "\(run.stdout)")
        #expect(!run.stdout.contains("own network namespace"))
        #expect(try net.podSynsTo8080() == 3)
        let (capture, warnings) = try CaptureRules.parse(run.stdout)
        #expect(warnings.isEmpty)
        #expect(capture.snapshots.first?.egress == EgressSample(ok: 3, total: 6))
    }

    @Test(arguments: [false, true])
    func probingFromTheDumpedNamespaceIsWarnedAbout(namingIt: Bool) throws {
        let net = try Network()
        defer { net.close() }
        let run = try net.pod.rulewatch(["collect", "--print", "--egress-probe", "\(Network.serverAddress):8080"]
                                        + (namingIt ? ["--probe-netns", net.pod.name] : []))
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("# egress ok=3 total=3"))
        #expect(run.stdout.contains("# collect: warning: egress probe from the node's own network namespace"), "\(run.stdout)")
        #expect(run.stdout.contains("PREROUTING"))
    }

    static func inode(_ path: String) throws -> UInt64 {
        var st = stat()
        guard stat(path, &st) == 0 else { throw Shell.Failure(description: "\(path): \(String(cString: strerror(errno)))") }
        return UInt64(st.st_ino)
    }
}
