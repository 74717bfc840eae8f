import Glibc

// MARK: - Storing a one-line rule

extension NftTextScanner {
    /// Stores a rule's statement as `writeStatement` does, when the line has no tab, quote or
    /// brace (nearly every rule: `meta l4proto tcp  tcp dport 80 counter packets 0 bytes 0
    /// jump KUBE-SVC-X`): copied into the arena eight bytes at a time, its runs of spaces
    /// made one on the way (`_PlainStatement.copyCollapsed`). Writing the statement space by
    /// space with a `memchr` each was most of what storing an nft rule cost; checking it
    /// first, then copying it, then collapsing it in place read it three times.
    ///
    /// - Returns: `false`, with nothing written, for a line it does not take.
    mutating func storePlainStatement(_ text: ByteSlice, counter: AnonymousCounter?) -> Bool {
        let end = NftTextScanner.endWithoutHandle(text)
        let first: ByteSlice
        var second = ByteSlice.empty
        if let counter, counter.valuesEnd <= end {
            // The counter's values left out: two pieces, each collapsed on its own as
            // `writeStatement` does.
            first = text.slice(0, counter.valuesStart)
            second = text.slice(counter.valuesEnd, end)
        } else {
            first = text.slice(0, end)
        }
        let to = table.rules.bytes.reserve(first.count + second.count + _PlainStatement.slack)
        guard let inFirst = _PlainStatement.copyCollapsed(first, to: to),
              let inSecond = _PlainStatement.copyCollapsed(second, to: to + inFirst) else { return false }
        table.rules.bytes.commit(inFirst + inSecond)
        if end < text.count { pending.handle = NftTextScanner.handle(in: text) }
        return true
    }
}

/// A plain piece of an nft statement (no tab, quote or brace), copied eight bytes at a time.
enum _PlainStatement {
    /// Room a copy needs past the piece's own bytes: each word is stored whole.
    static let slack = 8

    /// Copies `s` to `to`, each run of spaces made one; `to` has room for `s.count + slack`
    /// bytes. A space at `s`'s start follows none.
    ///
    /// Each word is stored as it is and counted whole unless a space in it follows a space
    /// (a rule has one or two such runs); that word is copied again byte by byte, the
    /// spaces that follow a space left out.
    ///
    /// - Returns: how many bytes it wrote; `nil` where `s` holds a tab, quote or brace, or a
    ///   byte that is rare in a statement (a control character, `|`, `~`, DEL or above):
    ///   `writeStatement`, which stores any statement, takes those. What it wrote is then
    ///   not the caller's.
    static func copyCollapsed(_ s: ByteSlice, to: UnsafeMutableRawPointer) -> Int? {
        let n = s.count
        guard n > 0, let from = s.base.baseAddress else { return 0 }
        var out = 0
        var carry: UInt64 = 0
        /// Stores the word of `count` bytes read at `from + i`; `false` if it holds a rare byte.
        @inline(__always)
        func copy(_ w: UInt64, at i: Int, count: Int) -> Bool {
            if rare(w) != 0 { return false }
            to.storeBytes(of: w.littleEndian, toByteOffset: out, as: UInt64.self)
            let space = ByteWord.bytes(w, ASCII.space)
            if doubled(space, after: carry) == 0 {
                out += count
                carry = space &>> 56
                return true
            }
            var afterSpace = carry != 0
            for k in i..<(i + count) {
                let byte = from.load(fromByteOffset: k, as: UInt8.self)
                let isSpace = byte == ASCII.space
                if isSpace && afterSpace { continue }
                to.storeBytes(of: byte, toByteOffset: out, as: UInt8.self)
                out += 1
                afterSpace = isSpace
            }
            carry = afterSpace ? 0x80 : 0
            return true
        }
        var i = 0
        while i + 8 <= n {
            guard copy(ByteWord.load(from, i), at: i, count: 8) else { return nil }
            i += 8
        }
        // The last bytes, padded: never read beyond.
        if i < n, !copy(ByteWord.load(from + i, count: n - i, padding: plain), at: i, count: n - i) { return nil }
        return out
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
