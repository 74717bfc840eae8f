/// What a rule's target does to the packets it matches, as far as the analyzer cares.
public enum TargetClass: String, Sendable, Hashable {
    /// Sends traffic somewhere else: REDIRECT, DNAT, TPROXY and their nft forms.
    case divert
    /// Throws traffic away: DROP, REJECT, nft `drop`/`reject`.
    case discard
    /// Lets it pass or returns: ACCEPT, RETURN, nft `accept`/`return`/`continue`.
    case accept
    /// Jumps to a user chain (known only once the chains of the table are known).
    case jump
    /// Anything else: LOG, MARK, MASQUERADE, SNAT, no target.
    case other

    /// Classifies a target name as iptables or nft prints it.
    public init(target: String) {
        switch target {
        case "REDIRECT", "DNAT", "TPROXY", "redirect", "dnat", "tproxy": self = .divert
        case "DROP", "REJECT", "drop", "reject": self = .discard
        case "ACCEPT", "RETURN", "accept", "return", "continue": self = .accept
        default: self = .other
        }
    }

    /// Diverting or discarding: a target that can eat a node's traffic.
    public var isHarmful: Bool { self == .divert || self == .discard }
}
