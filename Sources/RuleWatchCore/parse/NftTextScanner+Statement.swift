// MARK: - Storing a one-line rule

extension NftTextScanner {
    /// Stores a rule's statement as `writeStatement` does, when the line has no tab, quote or
    /// brace (nearly every rule: `meta l4proto tcp  tcp dport 80 counter packets 0 bytes 0
    /// jump KUBE-SVC-X`): copied whole, then its runs of spaces made one in place. Writing
    /// the statement space by space with a `memchr` each was most of what storing an nft
    /// rule cost.
    ///
    /// - Returns: `false`, with nothing written, for a line it does not take.
    mutating func storePlainStatement(_ text: ByteSlice, counter: AnonymousCounter?) -> Bool {
        let end = NftTextScanner.endWithoutHandle(text)
        let first: ByteSlice
        var second = ByteSlice.empty
        if let counter, counter.valuesEnd <= end {
            // The first piece ends at `counter`, the second starts with a space: no run of
            // spaces crosses from one to the other.
            first = text.slice(0, counter.valuesStart)
            second = text.slice(counter.valuesEnd, end)
        } else {
            first = text.slice(0, end)
        }
        guard let inFirst = _PlainStatement.firstDoubledSpace(first),
              let inSecond = _PlainStatement.firstDoubledSpace(second) else { return false }
        if end < text.count { pending.handle = NftTextScanner.handle(in: text) }

        let stored = first.count + second.count
        let origin = Int(table.rules.mark)
        table.rules.write(reserving: stored) { w in
            w.write(first)
            w.write(second)
        }
        let firstRun = inFirst < first.count ? inFirst : first.count + inSecond
        guard firstRun < stored else { return true }
        // Runs of spaces made one, in place, from the first run on.
        var out = firstRun
        table.rules.bytes.withUnsafeMutableBytes(from: origin) { b in
            var i = firstRun
            while i < stored {
                let c = b[i]
                if !(c == ASCII.space && b[out - 1] == ASCII.space) {
                    b[out] = c
                    out += 1
                }
                i += 1
            }
        }
        table.rules.bytes.removeLast(stored - out)
        return true
    }
}

/// A plain piece of an nft statement (no tab, quote or brace), checked eight bytes at a time.
enum _PlainStatement {
    /// Where the first space that follows a space is in `s` (`s.count`: none); `nil` at a
    /// tab, quote or brace. A space at `s`'s start follows none.
    static func firstDoubledSpace(_ s: ByteSlice) -> Int? {
        let n = s.count
        guard n > 0, let p = s.base.baseAddress else { return 0 }
        var found = n
        // Whether the byte before `i` is a space.
        var afterSpace = false
        var i = 0
        while i + 8 <= n {
            let w = ByteWord.load(p, i)
            if ByteWord.bytes(w, ASCII.tab) | ByteWord.bytes(w, ASCII.quote) | ByteWord.bytes(w, ASCII.openBrace)
                | ByteWord.bytes(w, ASCII.closeBrace) != 0 { return nil }
            if found == n {
                let space = ByteWord.bytes(w, ASCII.space)
                // A space whose byte before is one too: that byte's mark moved up onto it.
                let doubled = space & ((space << 8) | (afterSpace ? 0x80 : 0))
                if doubled != 0 { found = i + doubled.trailingZeroBitCount >> 3 }
                afterSpace = space >> 63 != 0
            }
            i += 8
        }
        while i < n {
            let c = p.load(fromByteOffset: i, as: UInt8.self)
            if c == ASCII.tab || c == ASCII.quote || c == ASCII.openBrace || c == ASCII.closeBrace { return nil }
            let space = c == ASCII.space
            if space, afterSpace, found == n { found = i }
            afterSpace = space
            i += 1
        }
        return found
    }
}
