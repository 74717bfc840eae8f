import Glibc

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
        // Runs of spaces made one, in place, from the first run on: a rule has one or two.
        var out = firstRun
        table.rules.bytes.withUnsafeMutableBytes(from: origin) { b in
            let p = b.baseAddress!
            var i = firstRun
            while i < stored {
                // `i` is in a run whose first space is kept: skip the rest, then move up
                // everything to the next run's second space.
                while i < stored, p.load(fromByteOffset: i, as: UInt8.self) == ASCII.space { i += 1 }
                let next = i + _PlainStatement.doubledSpace(p + i, stored - i)
                if out != i { memmove(p + out, p + i, next - i) }
                out += next - i
                i = next
            }
        }
        table.rules.bytes.removeLast(stored - out)
        return true
    }
}

/// A plain piece of an nft statement (no tab, quote or brace), checked eight bytes at a time.
enum _PlainStatement {
    /// Where the first space that follows a space is in `s` (`s.count`: none); `nil` where
    /// `s` holds a tab, quote or brace, or a byte that is rare in a statement (a control
    /// character, `|`, `~`, DEL or above): `writeStatement`, which stores any statement, takes
    /// those. A space at `s`'s start follows none.
    static func firstDoubledSpace(_ s: ByteSlice) -> Int? {
        let n = s.count
        guard n > 0, let p = s.base.baseAddress else { return 0 }
        var found = n
        var carry: UInt64 = 0
        var i = 0
        while i + 8 < n {
            let w = ByteWord.load(p, i)
            if Self.rare(w) != 0 { return nil }
            let space = ByteWord.bytes(w, ASCII.space)
            let marks = doubled(space, after: carry)
            if marks != 0, found == n { found = i + ByteWord.firstByte(marks) }
            carry = space &>> 56
            i += 8
        }
        // The last word ends at `n`: it overlaps bytes seen already, whose marks are shifted
        // out (`drop` is below 64); a piece shorter than a word is padded instead.
        let w = n >= 8 ? ByteWord.load(p, n - 8) : ByteWord.load(p, count: n, padding: plain)
        let drop = n >= 8 ? UInt64(i + 8 - n) &<< 3 : 0
        if Self.rare(w) &>> drop != 0 { return nil }
        let marks = doubled(ByteWord.bytes(w, ASCII.space) &>> drop, after: carry)
        if marks != 0, found == n { found = i + ByteWord.firstByte(marks) }
        return found
    }

    /// Where the first space that follows a space is in the `n` bytes at `p` (`n`: none);
    /// `p[0]` follows none. Only spaces are looked at.
    static func doubledSpace(_ p: UnsafeRawPointer, _ n: Int) -> Int {
        var carry: UInt64 = 0
        var i = 0
        while i < n {
            let w = i + 8 <= n ? ByteWord.load(p, i) : ByteWord.load(p + i, count: n - i, padding: plain)
            let space = ByteWord.bytes(w, ASCII.space)
            let marks = doubled(space, after: carry)
            if marks != 0 { return i + ByteWord.firstByte(marks) }
            carry = space &>> 56
            i += 8
        }
        return n
    }

    /// The spaces of a word whose byte before is a space too: each mark moved up one byte
    /// onto the next, and the word before's last mark (`carry`, moved down to bit 7) onto
    /// the first.
    @inline(__always)
    static func doubled(_ space: UInt64, after carry: UInt64) -> UInt64 {
        space & ((space &<< 8) | carry)
    }

    /// Bytes that send a statement to `writeStatement`: below a space (tab, control
    /// characters), `"`, and `{` or above (`{`, `|`, `}`, `~`, DEL, UTF-8).
    @inline(__always)
    static func rare(_ w: UInt64) -> UInt64 {
        ByteWord.atMost(w, 0x1F) | ByteWord.bytes(w, ASCII.quote) | ByteWord.above(w, 0x7A)
    }

    /// Pads a short piece's word: neither a space nor rare.
    static let plain = UInt8(ascii: "a")
}
