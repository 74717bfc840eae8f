import Glibc

/// Reads the TCP counters of every network namespace on the machine: the host's own and the
/// pods'.
///
/// ```swift
/// let readings = TCPNamespaceReader.readAll()          // host first, then by id
/// capture += TCPReading.lines(readings)                 // after the snapshot's timestamp
/// ```
///
/// Namespaces are found two ways, one reading per distinct namespace inode:
/// - through `/proc/PID/ns/net` of every process: a pod's namespace has its pause process
///   in it. Such a namespace is read through `/proc/PID/net/snmp` and `/proc/PID/net/netstat`,
///   which show the counters of the namespace that process lives in, without entering it;
/// - through the names under `/var/run/netns` (`ip netns add`), which may hold no process at
///   all. Those are read by a thread of our own made for that one reading: it enters the
///   namespace with `setns(2)`, reads `/proc/thread-self/net/...` and ends, so no thread that
///   runs anything else ever changes namespace (`setns` moves only the calling thread, and a
///   pooled thread left in a pod's namespace would open the capture's files or sockets there).
///   Spawning `ip netns exec NAME cat ...` would do the same at a process per namespace and a
///   dependency on iproute2.
///
/// The host's namespace is PID 1's and is named `host`; a named namespace keeps its name
/// (whether or not a process is in it); the rest are named by inode number.
///
/// Needs root (`/proc/PID/net` of other users' processes and `setns`); without it, what can
/// be read is.
public enum TCPNamespaceReader {
    /// Every namespace's counters, the host's first, the rest by id.
    public static func readAll(proc: String = "/proc", netnsDirectory: String = "/var/run/netns") -> [TCPReading] {
        let host = namespaceInode("\(proc)/1/ns/net") ?? namespaceInode("\(proc)/self/ns/net")
        // inode -> up to a few processes in it (one may exit before it is read).
        var byInode: [UInt64: [Int32]] = [:]
        var order: [UInt64] = []
        for pid in processIDs(proc) {
            guard let ino = namespaceInode("\(proc)/\(pid)/ns/net") else { continue }
            if byInode[ino] == nil { order.append(ino) }
            if byInode[ino, default: []].count < 3 { byInode[ino, default: []].append(pid) }
        }
        var names: [UInt64: String] = [:]
        for name in directoryEntries(netnsDirectory) where isUsableName(name) {
            guard let ino = namespaceInode("\(netnsDirectory)/\(name)") else { continue }
            if names[ino] == nil || name < names[ino]! { names[ino] = name }
            if byInode[ino] == nil {
                byInode[ino] = []
                order.append(ino)
            }
        }
        var out: [TCPReading] = []
        for ino in order {
            let id = ino == host ? TCPReading.hostNamespace : names[ino] ?? String(ino)
            var counters: TCPCounters?
            for pid in byInode[ino] ?? [] {
                counters = read(directory: "\(proc)/\(pid)/net")
                // The process may have moved on: only a reading of this namespace counts.
                if counters != nil, namespaceInode("\(proc)/\(pid)/ns/net") != ino { counters = nil }
                if counters != nil { break }
            }
            if counters == nil, let name = names[ino] {
                counters = read(namespaceFile: "\(netnsDirectory)/\(name)")
            }
            if let c = counters { out.append(c.reading(id)) }
        }
        out.sort { a, b in a.isHost != b.isHost ? a.isHost : a.namespace < b.namespace }
        return out
    }

    /// The counters of the namespace `path` names (`/var/run/netns/NAME`, `/proc/PID/ns/net`),
    /// read from a thread that enters it; `nil` when it cannot be opened or entered.
    public static func read(namespaceFile path: String, as id: String) -> TCPReading? {
        read(namespaceFile: path)?.reading(id)
    }

    /// The counters in a `net` directory (`/proc/PID/net`, `/proc/self/net`).
    public static func read(netDirectory directory: String, as id: String) -> TCPReading? {
        read(directory: directory)?.reading(id)
    }

    // MARK: - Internals

    /// The four counters without a name.
    struct TCPCounters {
        var active: UInt64
        var fails: UInt64
        var synRetrans: UInt64
        var rsts: UInt64
        var refused: UInt64

        func reading(_ id: String) -> TCPReading {
            TCPReading(namespace: id, active: active, fails: fails, synRetrans: synRetrans, rsts: rsts, refused: refused)
        }
    }

    static func read(directory: String) -> TCPCounters? {
        guard let snmp = try? WholeFile.read("\(directory)/snmp"),
              let netstat = try? WholeFile.read("\(directory)/netstat") else { return nil }
        return parse(snmp: snmp, netstat: netstat)
    }

    /// `snmp`'s `Tcp:` and `netstat`'s `TcpExt:` pairs of lines (names, then values).
    static func parse(snmp: [UInt8], netstat: [UInt8]) -> TCPCounters? {
        let tcp = _ProcCounterTable(snmp, prefix: "Tcp:")
        let ext = _ProcCounterTable(netstat, prefix: "TcpExt:")
        guard let active = tcp["ActiveOpens"], let fails = tcp["AttemptFails"], let rsts = tcp["OutRsts"] else {
            return nil
        }
        // A refusal (ICMP unreachable) that arrives while connect() still holds the socket, as
        // it does when the node rejects a pod's SYN over a veth, is reported to the caller but
        // counted only in LockDroppedIcmps, never in AttemptFails: it is a failed attempt too.
        let refused = ext["LockDroppedIcmps"] ?? 0
        // Kernels before 3.10 have no TCPSynRetrans: their SYN retries are not told apart.
        return TCPCounters(active: active, fails: fails &+ refused, synRetrans: ext["TCPSynRetrans"] ?? 0, rsts: rsts,
                           refused: refused)
    }

    static func read(namespaceFile path: String) -> TCPCounters? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return _NamespaceThread.run(in: fd) { read(directory: "/proc/thread-self/net") } ?? nil
    }

    /// The inode of the namespace a `ns/net` link or an `ip netns` file names.
    static func namespaceInode(_ path: String) -> UInt64? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return UInt64(st.st_ino)
    }

    static func processIDs(_ proc: String) -> [Int32] {
        directoryEntries(proc).compactMap { name in
            name.utf8.allSatisfy(ASCII.isDigit) ? Int32(name) : nil
        }
    }

    static func directoryEntries(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var out: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { out.append(name) }
        }
        return out
    }

    /// A name that can stand in a `# tcp ns=` field: no blanks, no `=`, not `host`.
    static func isUsableName(_ name: String) -> Bool {
        !name.isEmpty && name != TCPReading.hostNamespace
            && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "=") }
    }
}
