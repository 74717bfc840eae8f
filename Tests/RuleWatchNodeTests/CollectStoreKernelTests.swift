import Foundation
import RuleWatchCore
import RuleWatchStore
import Testing

/// `rulewatch collect` as cron runs it, minute after minute (here second after second) on a
/// routed node: a pod's namespace, the node's, and a far server's, joined by veth pairs. The
/// node stores each snapshot; when the model incident's REDIRECT is appended to the node's
/// PREROUTING, the run that can see it prints the culprit once, and later runs stay quiet.
@Suite("collect into the store on a real kernel")
struct CollectStoreKernelTests {
    final class RoutedNode: Sendable {
        let pod: TestNetns, node: TestNetns, server: TestNetns
        let listener: Int32
        static let serverAddress = "10.213.9.2"

        init() throws {
            var made: [TestNetns] = []
            do {
                made.append(try TestNetns("pod")); made.append(try TestNetns("node")); made.append(try TestNetns("far"))
                let (pod, node, server) = (made[0], made[1], made[2])
                try pod.check("ip", ["link", "add", "rwpod0", "type", "veth", "peer", "name", "rwnode0", "netns", node.name])
                try node.check("ip", ["link", "add", "rwnode1", "type", "veth", "peer", "name", "rwfar0", "netns", server.name])
                for (ns, dev, addr) in [(pod, "rwpod0", "10.213.8.1/24"), (node, "rwnode0", "10.213.8.254/24"),
                                        (node, "rwnode1", "10.213.9.254/24"), (server, "rwfar0", "\(Self.serverAddress)/24")] {
                    try ns.check("ip", ["addr", "add", addr, "dev", dev])
                    try ns.check("ip", ["link", "set", dev, "up"])
                }
                try pod.check("ip", ["route", "add", "default", "via", "10.213.8.254"])
                try server.check("ip", ["route", "add", "default", "via", "10.213.9.254"])
                try node.check("sysctl", ["-qw", "net.ipv4.ip_forward=1"])
                // The node's ruleset before the incident: kube-proxy-like rules that count.
                try node.check("iptables-nft-restore", ["--counters"], stdin: """
                    *nat
                    :PREROUTING ACCEPT [0:0]
                    :INPUT ACCEPT [0:0]
                    :OUTPUT ACCEPT [0:0]
                    :POSTROUTING ACCEPT [0:0]
                    :KUBE-SERVICES - [0:0]
                    [0:0] -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
                    COMMIT
                    *filter
                    :INPUT ACCEPT [0:0]
                    :FORWARD ACCEPT [0:0]
                    :OUTPUT ACCEPT [0:0]
                    [0:0] -A FORWARD -s 10.213.8.0/24 -j ACCEPT
                    COMMIT

                    """)
                try node.check("nft", ["-f", "-"], stdin: "table inet node-local {\n\tchain in {\n\t\ttype filter hook input priority 10; policy accept;\n\t\tcounter\n\t}\n}\n")
                listener = try EgressProbeKernelTests.Network.background(in: server, """
                    import socket, threading, time
                    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind(("\(Self.serverAddress)", 443)); s.listen(128)
                    print("ready", flush=True)
                    end = time.time() + 120
                    while time.time() < end:
                        c, _ = s.accept(); c.close()
                    """)
                (self.pod, self.node, self.server) = (pod, node, server)
            } catch {
                for ns in made { ns.remove() }
                throw error
            }
        }

        func close() {
            EgressProbeKernelTests.Network.kill(listener)
            for ns in [pod, node, server] { ns.remove() }
        }

        /// One cron run on the node, probing from the pod.
        func collect(store: String, _ extra: [String] = []) throws -> Shell.Result {
            try node.rulewatch(["collect", "--store", store, "--source", "node-1", "--probe-connections", "6",
                                "--egress-probe", "\(Self.serverAddress):443", "--probe-netns", pod.name] + extra)
        }
    }

    @Test func theRunThatSeesTheCulpritPrintsItOnceAndTheStoreKeepsEverySnapshot() throws {
        let net = try RoutedNode()
        defer { net.close() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rwnode-store-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("rulewatch.db").path

        var runs: [Shell.Result] = []
        func minute(_ extra: [String] = []) throws {
            // Snapshot times are whole seconds: one run per second at most.
            usleep(1_050_000)
            runs.append(try net.collect(store: db, extra))
        }
        for _ in 0 ..< 5 { try minute() }
        // The storage installer's rules: pods' :80 and :443 go to the node's own dead ports.
        try net.node.check("iptables-nft", ["-t", "nat", "-A", "PREROUTING", "-p", "tcp", "--dport", "80", "-j", "REDIRECT", "--to-ports", "47080"])
        try net.node.check("iptables-nft", ["-t", "nat", "-A", "PREROUTING", "-p", "tcp", "--dport", "443", "-j", "REDIRECT", "--to-ports", "47443"])
        for _ in 0 ..< 3 { try minute() }
        try minute(["--fail-on", "critical"])

        for (i, run) in runs.enumerated() {
            #expect(run.stderr.isEmpty, "run \(i + 1): \(run.stderr)")
        }
        for run in runs.prefix(5) {
            #expect(run.status == 0 && run.stdout.isEmpty, "healthy runs are silent: \(run.stdout)")
        }
        let told = runs.enumerated().filter { $0.element.stdout.contains("CRITICAL") }
        #expect(told.count == 1, "the culprit is told once: \(runs.map(\.stdout))")
        if let (i, run) = told.first {
            #expect(i == 5 || i == 6, "told at run \(i + 1), not within one interval of the onset")
            #expect(run.stdout.contains("node-1: new critical finding"))
            #expect(run.stdout.contains("REDIRECT") && run.stdout.contains("--dport 443"), "\(run.stdout)")
        }
        #expect(runs.last?.status == 1, "--fail-on critical still sees the finding")

        let store = try RuleStore(path: db, create: false)
        let snapshots = try store.snapshots(source: "node-1")
        #expect(snapshots.count == runs.count)
        #expect(snapshots.first?.egress == EgressSample(ok: 6, total: 6))
        #expect(snapshots.last?.egress == EgressSample(ok: 0, total: 6))
        // The native table is stored beside iptables' ones.
        #expect(try store.ruleTotals(source: "node-1").contains { $0.table == "node-local" })
    }
}
