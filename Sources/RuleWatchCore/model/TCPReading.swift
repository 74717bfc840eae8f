/// One network namespace's TCP counters as read at a snapshot, cumulative since the namespace
/// was made (like a rule's counters): the capture line
/// `# tcp ns=ID active=N fails=N synretrans=N rsts=N refused=N`.
///
/// - `active`: `Tcp: ActiveOpens`, connections this namespace began (one per first SYN);
/// - `fails`: `Tcp: AttemptFails`, attempts that ended before they were established (a RST or
///   an ICMP unreachable answered the SYN, or the kernel gave up after all its retries), plus
///   `TcpExt: LockDroppedIcmps`: an ICMP refusal that arrives while `connect()` still holds
///   the socket (the node's REJECT answering a pod's SYN over a veth does, at once) fails the
///   attempt but is counted only there;
/// - `refused` (optional, `refused=N`): that `LockDroppedIcmps` part of `fails` alone. Such an
///   attempt was refused before any retransmission; the rest of `fails` may have come after
///   one, so the estimate needs to tell them apart (see `PassiveEgress`);
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
    /// The part of `fails` refused while `connect()` still held the socket.
    public var refused: UInt64

    /// The `ns=` of the host's own namespace.
    public static let hostNamespace = "host"

    public init(namespace: String, active: UInt64, fails: UInt64, synRetrans: UInt64, rsts: UInt64,
                refused: UInt64 = 0) {
        self.namespace = namespace
        self.active = active
        self.fails = fails
        self.synRetrans = synRetrans
        self.rsts = rsts
        self.refused = min(refused, fails)
    }

    public var isHost: Bool { namespace == Self.hostNamespace }

    /// `# tcp ns=ID active=N fails=N synretrans=N rsts=N refused=N`, without a newline.
    public var line: String {
        "# tcp ns=\(namespace) active=\(active) fails=\(fails) synretrans=\(synRetrans) rsts=\(rsts) refused=\(refused)"
    }

    /// The capture lines for `readings`, one per line each ending in a newline: what goes
    /// after a snapshot's timestamp line.
    public static func lines(_ readings: [TCPReading]) -> String {
        var out = ""
        for r in readings { out += r.line + "\n" }
        return out
    }
}
