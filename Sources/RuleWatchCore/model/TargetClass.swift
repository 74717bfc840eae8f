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
        default: self = Self(verdictMap: target)
        }
    }

    /// `vmap {accept, drop}`: a map that may drop discards (its drops are what a climb of
    /// its counter can mean), one that only accepts or returns accepts; `vmap @m` and
    /// maps that jump are `other`, their verdicts not known from the rule.
    private init(verdictMap target: String) {
        guard target.hasPrefix("vmap {") else { self = .other; return }
        let verdicts = target.dropFirst(6).dropLast().split(separator: ",").map { $0.trimmingPrefix(" ") }
        if verdicts.contains(where: { $0 == "drop" || $0 == "reject" }) {
            self = .discard
        } else if !verdicts.isEmpty, verdicts.allSatisfy({ $0 == "accept" || $0 == "return" || $0 == "continue" }) {
            self = .accept
        } else {
            self = .other
        }
    }

    /// Diverting or discarding: a target that can eat a node's traffic.
    public var isHarmful: Bool { self == .divert || self == .discard }
}
