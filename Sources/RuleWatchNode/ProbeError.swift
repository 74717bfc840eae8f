/// Why the egress probe could not run at all (a connection that fails is a result, not this).
public enum ProbeError: Error, Sendable, Hashable, CustomStringConvertible {
    case badEndpoint(String, String)
    case badNamespace(String, String)
    case unresolvable(String, String)
    case namespace(path: String, String)
    case system(String)

    public var description: String {
        switch self {
        case .badEndpoint(let text, let why): return "'\(text)': \(why)"
        case .badNamespace(let text, let why): return "'\(text)': \(why)"
        case .unresolvable(let host, let why): return "cannot resolve '\(host)': \(why)"
        case .namespace(let path, let why): return "\(path): \(why)"
        case .system(let why): return why
        }
    }
}
