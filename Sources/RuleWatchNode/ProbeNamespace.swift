/// The network namespace the probe connects from: a pod's, so that its connections take
/// the path a pod's do (PREROUTING, where the model incident's REDIRECT sat), not the
/// node's own (OUTPUT).
public enum ProbeNamespace: Sendable, Hashable, CustomStringConvertible {
    /// A name under `/var/run/netns` (`ip netns add`, CNI plugins).
    case named(String)
    /// The namespace a process lives in: `/proc/PID/ns/net`.
    case process(Int32)
    /// A namespace file given by its path.
    case path(String)

    /// `NAME`, `PID` or an absolute path.
    public init(parsing text: String) throws(ProbeError) {
        if text.isEmpty { throw .badNamespace(text, "expected a name under /var/run/netns or a process id") }
        if text.hasPrefix("/") {
            self = .path(text)
        } else if text.allSatisfy(\.isASCIIDigit) {
            guard let pid = Int32(text), pid > 0 else { throw .badNamespace(text, "not a process id") }
            self = .process(pid)
        } else if text.contains("/") || text == "." || text == ".." {
            throw .badNamespace(text, "a namespace name has no '/'")
        } else {
            self = .named(text)
        }
    }

    /// The file whose descriptor `setns` takes.
    public var path: String {
        switch self {
        case .named(let name): return "/var/run/netns/\(name)"
        case .process(let pid): return "/proc/\(pid)/ns/net"
        case .path(let path): return path
        }
    }

    public var description: String {
        switch self {
        case .named(let name): return name
        case .process(let pid): return "pid \(pid)"
        case .path(let path): return path
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
