extension AnalysisContext {
    /// The static hazard: a diverting rule in a path that egress traffic takes (REDIRECT or
    /// DNAT in nat PREROUTING/OUTPUT, TPROXY in mangle PREROUTING, nft redirect/dnat/tproxy
    /// in chains hooked at prerouting or output, and the chains those jump to) that catches the
    /// common egress ports or all TCP, from any source and interface.
    func isHazard(_ index: Int) -> Bool {
        // Cheap tests first, on fields read in place: this runs for every rule.
        // Every test below needs the chain in egress's path: kube-proxy's thousands of DNATs
        // sit in KUBE-SEP chains that are not, and are turned away before their target
        // becomes a String.
        guard targetClasses[index] == .divert else { return false }
        let chain = history.rules.withUnsafeBufferPointer { $0[index].chain }
        guard reachedFromPreroutingOrOutput[chain], !history.rules[index].isPolicy else { return false }
        let r = history.rules[index]
        let t = history.tables[r.table]
        let inPath: Bool
        if t.format.isNft {
            inPath = true
        } else {
            switch r.target {
            case "REDIRECT", "DNAT": inPath = t.name == "nat"
            case "TPROXY": inPath = t.name == "mangle"
            default: inPath = false
            }
        }
        return inPath && r.traits.catchesEgress
    }
}
