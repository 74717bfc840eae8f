import Glibc

/// An iptables-save table's chains in the order its `:CHAIN` lines declare them, for
/// numbering rules without a look-up per chain.
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
    /// The names, end to end; `ends[k]` is where the kth ends.
    private var names: [UInt8] = []
    private var ends: [Int] = []
    /// The furthest chain reached: rules have been met for none after it.
    private(set) var furthest = -1
    /// How far to look past `furthest` for the next rule's chain.
    static let reach = 16

    mutating func add(_ name: ByteSlice) {
        names.append(contentsOf: name.base)
        ends.append(names.count)
    }

    /// The index of the declared chain named `name` among the next `reach` after the
    /// furthest reached, which it becomes; `nil` when none of them is.
    mutating func advance(to name: ByteSlice) -> Int? {
        guard !name.isEmpty else { return nil }
        let last = Swift.min(ends.count, furthest + 1 + Self.reach)
        var k = furthest + 1
        while k < last {
            let start = k == 0 ? 0 : ends[k - 1]
            if ends[k] - start == name.count, names.withUnsafeBytes({ memcmp($0.baseAddress! + start, name.base.baseAddress!, name.count) }) == 0 {
                furthest = k
                return k
            }
            k += 1
        }
        return nil
    }

    /// Forgets the table's chains, keeping the room.
    mutating func removeAll() {
        names.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        furthest = -1
    }
}
