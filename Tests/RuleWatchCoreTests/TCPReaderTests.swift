import Foundation
import Testing
@testable import RuleWatchCore

/// The namespace reader on this machine's kernel, and `# tcp` lines through the parser.
@Suite struct TCPReaderTests {
    @Test func procCountersAreReadByNameNotPosition() {
        let snmp = Array("Ip: Forwarding DefaultTTL\nIp: 1 64\nTcp: RtoAlgorithm MaxConn ActiveOpens AttemptFails OutRsts\nTcp: 1 -1 12 3 7\n".utf8)
        let netstat = Array("TcpExt: SyncookiesSent LockDroppedIcmps TCPSynRetrans TCPTimeouts\nTcpExt: 0 2 5 9\n".utf8)
        let c = TCPNamespaceReader.parse(snmp: snmp, netstat: netstat)
        #expect(c.map { [$0.active, $0.fails, $0.synRetrans, $0.rsts] } == [12, 5, 5, 7])
    }

    @Test func procCountersWithoutTcpLinesAreNoReading() {
        #expect(TCPNamespaceReader.parse(snmp: Array("Ip: A\nIp: 1\n".utf8), netstat: []) == nil)
    }

    @Test func readAllGivesTheHostOnceAndFirst() throws {
        let before = try #require(TCPNamespaceReader.read(netDirectory: "/proc/1/net", as: "host"))
        let all = TCPNamespaceReader.readAll()
        #expect(all.filter(\.isHost).count == 1)
        let host = try #require(all.first)
        #expect(host.isHost)
        // Cumulative counters: read later, never lower.
        #expect(host.active >= before.active && host.fails >= before.fails && host.rsts >= before.rsts)
        #expect(Set(all.map(\.namespace)).count == all.count)
    }

    /// A named namespace no process is in is read from a thread that enters it: a refused
    /// connection made there earlier shows as one open, one failed attempt and one reset.
    @Test func namedNamespaceWithoutProcessIsReadThroughSetns() throws {
        try requireRoot()
        let name = "rwp-reader-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        try shell("ip netns add \(name)")
        defer { _ = try? shell("ip netns delete \(name)") }
        try shell("ip -n \(name) link set lo up")
        try shell("""
            ip netns exec \(name) python3 -c 'import socket
            try: socket.create_connection(("127.0.0.1", 9), timeout=2)
            except OSError: pass'
            """)
        let reading = try #require(TCPNamespaceReader.read(namespaceFile: "/var/run/netns/\(name)", as: name))
        #expect(reading.active == 1)
        #expect(reading.fails == 1)
        #expect(reading.rsts == 1)
        #expect(reading.synRetrans == 0)
        let all = TCPNamespaceReader.readAll()
        #expect(all.first { $0.namespace == name } == reading)
    }

    @Test func tcpLinesAfterATimestampGoWithTheirSnapshot() throws {
        let dump = "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n"
        let text = "@1795514400\n# tcp ns=host active=10 fails=0 synretrans=0 rsts=2\n# tcp ns=4026532281 active=5 fails=1 synretrans=3 rsts=0\n"
            + dump + "@1795514460\n# egress ok=3 total=4\n# tcp ns=host active=12 fails=0 synretrans=1 rsts=2 timeouts=4\n" + dump
        var h = CaptureHistory()
        var warnings: [Diagnostic] = []
        try CaptureParser(onWarning: { warnings.append($0) }).parse(bytes: Array(text.utf8), name: "t", into: &h)
        #expect(warnings.isEmpty)
        #expect(h.snapshots.map(\.tcp.count) == [2, 1])
        #expect(h.snapshots[0].tcp[1] == TCPReading(namespace: "4026532281", active: 5, fails: 1, synRetrans: 3, rsts: 0))
        #expect(h.snapshots[1].tcp[0].line == "# tcp ns=host active=12 fails=0 synretrans=1 rsts=2 refused=0")
        #expect(h.snapshots[1].egress == EgressSample(ok: 3, total: 4))
    }

    @Test func malformedTcpLineIsAWarning() throws {
        let text = "@1795514400\n# tcp ns=host active=10 fails=x synretrans=0 rsts=2\n*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n"
        var h = CaptureHistory()
        var warnings: [Diagnostic] = []
        try CaptureParser(onWarning: { warnings.append($0) }).parse(bytes: Array(text.utf8), name: "t", into: &h)
        #expect(warnings.map(\.line) == [2])
        #expect(h.snapshots[0].tcp.isEmpty)
    }

    @Test func renderedLinesParseBack() throws {
        let readings = [TCPReading(namespace: "host", active: 1, fails: 2, synRetrans: 3, rsts: 4, refused: 1),
                        TCPReading(namespace: "pod-a", active: 9, fails: 0, synRetrans: 0, rsts: 0)]
        let text = "@1795514400\n" + TCPReading.lines(readings) + "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n"
        var h = CaptureHistory()
        try CaptureParser().parse(bytes: Array(text.utf8), name: "t", into: &h)
        #expect(h.snapshots[0].tcp == readings)
    }
}

func requireRoot() throws {
    struct NotRoot: Error, CustomStringConvertible {
        var description: String { "this test reads and makes network namespaces: run it as root, as CI does" }
    }
    guard geteuid() == 0 else { throw NotRoot() }
}

/// Runs a shell command line to its end; throws with its output when it fails.
@discardableResult
func shell(_ command: String) throws -> String {
    struct Failed: Error, CustomStringConvertible { var description: String }
    let (status, output) = try KernelFixture.run("/bin/sh", ["-c", command])
    guard status == 0 else { throw Failed(description: "`\(command)` exited \(status): \(output)") }
    return output
}

/// `Samples/passive/tcp-lines.sh`, the shell version for nodes that do not run `collect`.
@Suite struct TCPLinesScriptTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples/passive/tcp-lines.sh")

    @Test func scriptWritesWhatTheReaderReads() throws {
        try requireRoot()
        let name = "rwp-script-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        try shell("ip netns add \(name)")
        defer { _ = try? shell("ip netns delete \(name)") }
        try shell("ip -n \(name) link set lo up")
        try shell("""
            ip netns exec \(name) python3 -c 'import socket
            for _ in range(3):
                try: socket.create_connection(("127.0.0.1", 9), timeout=2)
                except OSError: pass'
            """)
        let output = try shell(Self.script.path)
        let text = "@1795514400\n" + output + "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n"
        var h = CaptureHistory()
        var warnings: [Diagnostic] = []
        try CaptureParser(onWarning: { warnings.append($0) }).parse(bytes: Array(text.utf8), name: "script", into: &h)
        #expect(warnings.isEmpty, "\(warnings)")
        let readings = h.snapshots[0].tcp
        #expect(readings.first?.isHost == true)
        #expect(readings.filter(\.isHost).count == 1)
        #expect(Set(readings.map(\.namespace)).count == readings.count)
        let ours = try #require(readings.first { $0.namespace == name }, "\(output)")
        #expect(ours == TCPNamespaceReader.read(namespaceFile: "/var/run/netns/\(name)", as: name))
        #expect(ours.active == 3 && ours.fails == 3 && ours.rsts == 3)
    }
}
