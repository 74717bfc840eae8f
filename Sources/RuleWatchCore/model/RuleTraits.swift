/// What a rule catches and does, read once from its canonical identity text: the facts the
/// static hazard check and the explanations need.
public struct RuleTraits: Sendable, Hashable {
    public var targetClass: TargetClass
    /// IP protocol number; 0 for all protocols.
    public var protocolNumber: UInt64 = 0
    /// No source address match (a negated one is still a match).
    public var anySource = true
    /// No input interface match.
    public var anyInInterface = true
    /// No destination match, or only a negated one (`! -d 10.0.0.0/8` still reaches the world).
    public var broadDestination = true
    /// Only traffic to the node's own addresses (`dst-type LOCAL`, `fib daddr type local`).
    public var localOnly = false
    /// Destination ports matched; `nil` when the rule matches no port (all of them).
    public var destinationPorts: [ClosedRange<Int>]?
    /// Where a diverting rule sends traffic: `:47443`, `10.0.0.5:8080`.
    public var divertsTo: String?

    public init(targetClass: TargetClass) { self.targetClass = targetClass }

    /// The common egress ports (DNS, HTTP, HTTPS) the rule catches; all three when it
    /// matches no port.
    public var egressPortsCaught: [Int] {
        guard protocolNumber == 0 || protocolNumber == 6 || protocolNumber == 17 else { return [] }
        let common = protocolNumber == 6 ? [53, 80, 443] : protocolNumber == 17 ? [53, 443] : [53, 80, 443]
        guard let ranges = destinationPorts else { return common }
        return common.filter { p in ranges.contains { $0.contains(p) } }
    }

    /// Matches every TCP connection (or every protocol) whatever its port.
    public var catchesAllTCP: Bool {
        (protocolNumber == 0 || protocolNumber == 6) && destinationPorts == nil
    }

    /// From any source, any interface, to the world, on a common egress port or all TCP:
    /// what makes a diverting rule in a prerouting or output path a hazard.
    public var catchesEgress: Bool {
        anySource && anyInInterface && broadDestination && !localOnly
            && (catchesAllTCP || !egressPortsCaught.isEmpty)
    }
}
