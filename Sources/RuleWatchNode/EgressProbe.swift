import Glibc

/// Opens a few TCP connections to each endpoint and counts how many succeed: the egress
/// signal of one interval, as `# egress ok=N total=N`.
///
/// The connections are non-blocking and all in flight at once, so a run takes at most
/// `timeout` however many there are. With a `namespace` they are made from a thread that
/// enters it with `setns` and leaves it after (the rest of the process never does): a pod's
/// connections pass PREROUTING on the node, where the model incident's REDIRECT sat, while
/// the node's own pass OUTPUT and would have looked healthy. A probe from the namespace whose
/// rules are dumped is therefore warned about.
///
/// Host names are resolved before entering the namespace, by the node's resolver.
public struct EgressProbe: Sendable {
    public var endpoints: [ProbeEndpoint]
    public var connectionsPerEndpoint: Int
    public var timeout: Duration
    public var namespace: ProbeNamespace?

    public init(endpoints: [ProbeEndpoint], connectionsPerEndpoint: Int = 3, timeout: Duration = .seconds(2),
                namespace: ProbeNamespace? = nil) {
        self.endpoints = endpoints
        self.connectionsPerEndpoint = connectionsPerEndpoint
        self.timeout = timeout
        self.namespace = namespace
    }

    /// Makes the connections and counts them.
    /// - Throws: `ProbeError` when an endpoint cannot be resolved or the namespace entered.
    public func run() async throws -> ProbeResult {
        let addresses = try endpoints.map { try _SocketAddress.resolve($0) }
        var messages: [CollectMessage] = []
        var target: Int32 = -1
        if let namespace {
            target = open(namespace.path, O_RDONLY | O_CLOEXEC)
            if target < 0 { throw ProbeError.namespace(path: namespace.path, _Errno.text(errno)) }
            if _Namespace.isOwn(fd: target) {
                messages.append(Self.ownNamespaceWarning(namespace))
            }
        } else {
            messages.append(Self.ownNamespaceWarning(nil))
        }
        let fd = target
        let work = _ProbeWork(addresses: addresses, perEndpoint: connectionsPerEndpoint, timeout: timeout)
        let outcome: Result<[ProbeResult.PerEndpoint], ProbeError> = await withCheckedContinuation { continuation in
            let started = _Thread.start {
                defer { if fd >= 0 { close(fd) } }
                if fd < 0 {
                    continuation.resume(returning: .success(work.connect()))
                } else {
                    continuation.resume(returning: _Namespace.inside(fd) { work.connect() })
                }
            }
            if !started {
                if fd >= 0 { close(fd) }
                continuation.resume(returning: .failure(.system("cannot start the probe's thread: \(_Errno.text(errno))")))
            }
        }
        let perEndpoint = try outcome.get()
        for e in perEndpoint where e.ok < e.total {
            messages.append(CollectMessage(.note, "egress probe \(e.endpoint): \(e.total - e.ok) of \(e.total) connections failed (\(e.lastFailure ?? "?"))"))
        }
        return ProbeResult(endpoints: perEndpoint, messages: messages)
    }

    private static func ownNamespaceWarning(_ namespace: ProbeNamespace?) -> CollectMessage {
        let from = namespace.map { "namespace \($0) is the one whose rules are dumped" } ?? "no --probe-netns"
        return CollectMessage(.warning, "egress probe from the node's own network namespace (\(from)): its connections leave through OUTPUT and never pass PREROUTING, where rules that catch pods' traffic sit (like the model incident's REDIRECT); give --probe-netns a pod's namespace (a name under /var/run/netns or a pid)")
    }
}
