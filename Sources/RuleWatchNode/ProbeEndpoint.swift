/// Where the egress probe connects: `HOST:PORT`, an IPv6 address in brackets
/// (`[2001:db8::1]:443`).
public struct ProbeEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Reads `HOST:PORT`; throws why it is not one.
    public init(parsing text: some StringProtocol) throws(ProbeError) {
        let s = String(text)
        let hostPart: Substring
        let portPart: Substring
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]"), s[s.index(after: close)...].hasPrefix(":") else {
                throw .badEndpoint(s, "expected [ADDRESS]:PORT")
            }
            hostPart = s[s.index(after: s.startIndex) ..< close]
            portPart = s[s.index(close, offsetBy: 2)...]
        } else {
            guard let colon = s.lastIndex(of: ":") else { throw .badEndpoint(s, "expected HOST:PORT") }
            hostPart = s[..<colon]
            portPart = s[s.index(after: colon)...]
            if hostPart.contains(":") { throw .badEndpoint(s, "put an IPv6 address in brackets: [ADDRESS]:PORT") }
        }
        guard !hostPart.isEmpty else { throw .badEndpoint(s, "no host") }
        guard let port = UInt16(portPart), port > 0 else { throw .badEndpoint(s, "the port must be 1 to 65535") }
        self.init(host: String(hostPart), port: port)
    }

    /// Reads a comma-separated list: `10.96.0.1:443,example.com:80`.
    public static func parseList(_ text: String) throws(ProbeError) -> [ProbeEndpoint] {
        var out: [ProbeEndpoint] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: true) {
            out.append(try ProbeEndpoint(parsing: item.trimmingBlanks()))
        }
        if out.isEmpty { throw .badEndpoint(text, "expected HOST:PORT[,HOST:PORT...]") }
        return out
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension Substring {
    fileprivate func trimmingBlanks() -> Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
