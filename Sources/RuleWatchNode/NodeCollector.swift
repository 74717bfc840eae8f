import Glibc
import RuleWatchCore

/// Takes every firewall table of the node once, in the text form rulewatch reads.
///
/// iptables and nftables overlap: under iptables-nft, iptables' tables are nftables tables,
/// which `nft list ruleset` prints as well. So the collector asks each table of the one tool
/// that prints it best, and no table of two:
///
/// 1. `iptables -V` tells `nf_tables` from `legacy`.
/// 2. `iptables-save -c` and `ip6tables-save -c` print iptables' tables in the form their
///    owners wrote (an nft listing of them shows `xt` matches it cannot name). When
///    they warn that legacy tables exist besides, `iptables-legacy-save -c` (and the ip6
///    one) print those too.
/// 3. The kernel names the rest (`NftablesNetlink`, as `nft list tables` would, in
///    milliseconds instead of seconds): native nft tables (`inet`, `netdev`, ...), and
///    the `arp` and `bridge` tables of arptables-nft and ebtables-nft, whose own save tools
///    print a format the parser would read as iptables'. Each is taken with
///    `nft -j list table FAMILY NAME`, except the tables an nf_tables save already printed.
///    Under legacy iptables, nft tables with iptables' names (`ip filter`, ...) belong to
///    iptables-nft: `iptables-nft-save -c` prints those.
///
/// A table two backends both hold (`ip filter` in legacy and in nf_tables) is taken from the
/// backend `iptables` uses, the other one's left out with a warning: a capture cannot tell
/// them apart (its parser begins a new snapshot where a table comes again).
///
/// A tool the node lacks is skipped with a note; a failing one is reported with its
/// standard error and the rest still taken.
public struct NodeCollector: Sendable {
    public var runner: ToolRunner
    /// Read every network namespace's TCP counters (`TCPNamespaceReader`) into the
    /// capture's `# tcp` lines: the egress signal when no probe is given.
    public var readsTCPCounters: Bool

    public init(runner: ToolRunner = ToolRunner(), readsTCPCounters: Bool = true) {
        self.runner = runner
        self.readsTCPCounters = readsTCPCounters
    }

    /// Takes the node's tables now.
    /// - Parameter probe: run alongside the dumps; its result is the capture's egress line.
    public func collect(probe: EgressProbe? = nil) async -> NodeCapture {
        var capture = NodeCapture(time: Self.now())
        async let probed = Self.run(probe)
        // Read with the timestamp, before the dumps: the counters are the interval's end.
        // The host's own namespace first, then the pods', one line each.
        if readsTCPCounters {
            capture.tcpLines = TCPNamespaceReader.readAll().map(\.line)
        }
        await takeTables(into: &capture)
        switch await probed {
        case nil:
            break
        case .success(let result)?:
            capture.egress = result.sample
            capture.messages.insert(contentsOf: result.messages, at: 0)
        case .failure(let error)?:
            capture.messages.insert(CollectMessage(.error, "--egress-probe: \(error)"), at: 0)
        }
        return capture
    }

    // MARK: - Internals

    /// Whole seconds since the epoch, in nanoseconds.
    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000
    }

    private static func run(_ probe: EgressProbe?) async -> Result<ProbeResult, any Error>? {
        guard let probe else { return nil }
        do { return .success(try await probe.run()) } catch { return .failure(error) }
    }

    private func takeTables(into capture: inout NodeCapture) async {
        var run = _CollectionRun(runner: runner)
        await run.take()
        capture.dumps = run.dumps
        capture.messages += run.messages
        capture.invocations = run.invocations
    }
}
