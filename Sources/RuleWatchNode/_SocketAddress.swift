import Glibc

/// An endpoint resolved to one socket address.
struct _SocketAddress: Sendable {
    var endpoint: ProbeEndpoint
    var family: Int32
    var bytes: [UInt8]

    /// The first address `getaddrinfo` gives for a TCP connection to `endpoint`.
    static func resolve(_ endpoint: ProbeEndpoint) throws(ProbeError) -> _SocketAddress {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(endpoint.host, String(endpoint.port), &hints, &list)
        guard rc == 0, let first = list else {
            throw .unresolvable(endpoint.host, rc == 0 ? "no address" : String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(list) }
        let info = first.pointee
        let bytes = Array(UnsafeRawBufferPointer(start: info.ai_addr, count: Int(info.ai_addrlen)))
        return _SocketAddress(endpoint: endpoint, family: info.ai_family, bytes: bytes)
    }
}
