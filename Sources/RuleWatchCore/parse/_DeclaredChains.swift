import Glibc

/// Follows an iptables-save table's rules through its chains in the order its `:CHAIN`
/// lines declared them (the table's own chain records), for numbering rules without a
/// look-up per chain.
///
/// iptables-save declares every chain before the first rule and then prints the rules chain
/// by chain in that same order, so a rule whose chain differs from the last rule's nearly
/// always belongs to the next declared chain (empty chains skipped: a kube node's 12,000
/// chain changes each went one or two chains on). Checking the next few names costs a
/// `memcmp` each; hashing the name and probing a 384 KB table, a cache miss at every
/// chain change, was an eighth of storing a kube node's rules.
///
/// A chain met out of that order (a hand-edited file; a chain never declared) ends the
/// shortcut for the table: `SaveScanner` hands the chains numbered so far to
/// `_ChainPositions`, which numbers the rest. A chain declared twice, which
/// iptables-restore refuses, would have its rules numbered from 1 again after its second
/// declaration.
struct _DeclaredChains {
    /// The furthest declared chain reached: rules have been met for none after it.
    private(set) var furthest = -1
    /// How far to look past `furthest` for the next rule's chain.
    static let reach = 16

    /// The index of the declared chain named `raw[name]` among the next `reach` after the
    /// furthest reached, which it becomes; `nil` when none of them is. `chains` are the
    /// table's declared chains, their names in `raw` too.
    mutating func advance(to name: ArenaRange, in raw: UnsafeRawBufferPointer,
                          chains: UnsafeBufferPointer<_ChainRecord>) -> Int? {
        let count = Int(name.end - name.start)
        guard count > 0, let base = raw.baseAddress else { return nil }
        let last = Swift.min(chains.count, furthest + 1 + Self.reach)
        var k = furthest + 1
        while k < last {
            let declared = chains[k].name
            if Int(declared.end - declared.start) == count,
               memcmp(base + Int(declared.start), base + Int(name.start), count) == 0 {
                furthest = k
                return k
            }
            k += 1
        }
        return nil
    }

    /// Starts again at the next table's first chain.
    mutating func removeAll() { furthest = -1 }
}
