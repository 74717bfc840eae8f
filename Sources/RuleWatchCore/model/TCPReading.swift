/// One network namespace's TCP counters as read at a snapshot, cumulative since the namespace
/// was made (like a rule's counters): the capture line
/// `# tcp ns=ID active=N fails=N synretrans=N rsts=N`.
///
/// - `active`: `Tcp: ActiveOpens`, connections this namespace began (one per first SYN);
/// - `fails`: `Tcp: AttemptFails`, attempts that ended before they were established (a RST or
///   an ICMP unreachable answered the SYN, or the kernel gave up after all its retries);
/// - `synretrans`: `TcpExt: TCPSynRetrans`, SYNs sent again because nothing answered (packets,
///   not connections: a dropped connection retries about once a second at first);
/// - `rsts`: `Tcp: OutRsts`, resets sent (the node answering a SYN to a port where nothing
///   listens counts one here).
public struct TCPReading: Sendable, Hashable {
    /// `host` for the host's own namespace; otherwise the name under `/var/run/netns` or the
    /// namespace's inode number. Stable for the namespace's life, so readings line up.
    public var namespace: String
    public var active: UInt64
    public var fails: UInt64
    public var synRetrans: UInt64
    public var rsts: UInt64

    /// The `ns=` of the host's own namespace.
    public static let hostNamespace = "host"

    public init(namespace: String, active: UInt64, fails: UInt64, synRetrans: UInt64, rsts: UInt64) {
        self.namespace = namespace
        self.active = active
        self.fails = fails
        self.synRetrans = synRetrans
        self.rsts = rsts
    }

    public var isHost: Bool { namespace == Self.hostNamespace }

    /// `# tcp ns=ID active=N fails=N synretrans=N rsts=N`, without a newline.
    public var line: String {
        "# tcp ns=\(namespace) active=\(active) fails=\(fails) synretrans=\(synRetrans) rsts=\(rsts)"
    }

    /// The capture lines for `readings`, one per line each ending in a newline: what goes
    /// after a snapshot's timestamp line.
    public static func lines(_ readings: [TCPReading]) -> String {
        var out = ""
        for r in readings { out += r.line + "\n" }
        return out
    }
}
