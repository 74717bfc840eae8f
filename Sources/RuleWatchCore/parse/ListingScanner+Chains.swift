extension ListingScanner {
    /// Reads `Chain NAME (policy ACCEPT 233 packets, 75208 bytes)` or `Chain NAME (2 references)`.
    ///
    /// - Parameter start: where the name begins in the line.
    mutating func chain<R: TableReceiver>(_ line: Line, name start: Int, into receiver: inout R) throws -> FeedResult {
        let b = line.bytes.base
        var n = b.count
        while n > 0, ASCII.isBlank(b[n - 1]) { n -= 1 }
        var i = start
        while i < n, ASCII.isBlank(b[i]) { i += 1 }
        let nameStart = i
        while i < n, !ASCII.isBlank(b[i]) { i += 1 }
        let name = nameStart..<i
        if name.isEmpty { return .invalid("chain header without a name") }
        let closed = n > i && b[n - 1] == ASCII.closeParen
        if line.atEndWithoutNewline, !closed { return .invalid("cut-off chain header") }

        let builtin = ChainInfo.builtinIndex(line.bytes.slice(name.lowerBound, name.upperBound))
        if table.chainCount > 0, let k = builtin, sawUserChain || k <= lastBuiltin {
            try emitTable(into: &receiver)
        }
        if table.chainCount == 0 { table.firstLine = line.number }
        table.chainCount += 1
        if let k = builtin {
            builtins |= 1 << k
            lastBuiltin = k
        } else {
            sawUserChain = true
        }
        inChain = true
        chainHasHeader = false
        position = 0
        if wantsRules {
            let nameBytes = line.bytes.slice(name.lowerBound, name.upperBound)
            chainName = table.rules.store(nameBytes)
            var chain = _ChainRecord(name: chainName, line: Int32(truncatingIfNeeded: line.number))
            if let k = builtin { chain.hook = table.rules.store(ChainInfo.builtinHook(index: k)) }
            readParenthesis(b, from: i, to: n, into: &chain)
            table.rules.appendChain(chain)
        }
        return .consumed
    }

    /// Reads `(policy ACCEPT 233 packets, 75208 bytes)`, `(policy DROP)` or `(0 references)`,
    /// leaving out what is not there.
    private mutating func readParenthesis(_ b: UnsafeRawBufferPointer, from start: Int, to end: Int, into chain: inout _ChainRecord) {
        var i = start
        while i < end, ASCII.isBlank(b[i]) { i += 1 }
        guard i < end, b[i] == ASCII.openParen else { return }
        i += 1
        // The words inside, without the `,` and `)` that stick to them.
        func word() -> Range<Int> {
            while i < end, ASCII.isBlank(b[i]) { i += 1 }
            let s = i
            while i < end, !ASCII.isBlank(b[i]) { i += 1 }
            var e = i
            while e > s, b[e - 1] == ASCII.comma || b[e - 1] == ASCII.closeParen { e -= 1 }
            return s..<e
        }
        func slice(_ r: Range<Int>) -> ByteSlice {
            ByteSlice(UnsafeRawBufferPointer(rebasing: b[r]))
        }
        let first = word()
        if slice(first) == "policy" {
            let policy = word()
            if !policy.isEmpty { chain.policy = table.rules.store(slice(policy)) }
            while true {
                let value = word()
                let unit = word()
                if value.isEmpty || unit.isEmpty { break }
                let count = _ListingRuleLine.counter(b, value)
                if slice(unit) == "packets" { chain.packets = count } else if slice(unit) == "bytes" { chain.bytes = count }
            }
        } else if let references = slice(first).decimal {
            chain.references = Int32(clamping: references)
        }
    }
}
