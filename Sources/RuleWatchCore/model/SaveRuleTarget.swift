/// The target of an iptables-save rule, read from its text when someone asks for it.
///
/// A save rule's target is part of its text (`-A CHAIN ... -j TARGET`), so the scanner stores
/// the text alone and marks the target `ArenaRange.inSaveText`. Most readers never ask: an
/// analysis compares a rule's text with the last snapshot's, and only a changed or new rule
/// (a few in a cron capture) needs its target. Looked for on every rule as it was read, the
/// target was a sixth of what storing a save rule cost.
@usableFromInline
enum SaveRuleTarget {
    /// Where the value of the first `-j` or `-g` outside quotes lies in `s` (a rule's text
    /// from `-A`): from after `-j ` to the next space or the end. A `-j` counts with a space
    /// before and after it; inside quotes iptables-save escapes `"` and `\\` with a backslash.
    ///
    /// Reads eight bytes at a time, looking only at `-j`, `-g` and quotes: a save rule is
    /// full of dashes (`-m`, `--comment`, `KUBE-SVC-...`), and stopping at each with `memchr`
    /// cost more than the rest of storing the rule.
    @usableFromInline
    static func range(in s: ByteSlice) -> Range<Int>? {
        let n = s.count
        guard n >= 4, let p = s.base.baseAddress else { return nil }
        @inline(__always) func byte(_ i: Int) -> UInt8 { p.load(fromByteOffset: i, as: UInt8.self) }

        /// A `-` at `d` that starts ` -j ` or ` -g `: the target runs from `d + 3`.
        @inline(__always) func targetAt(_ d: Int) -> Range<Int>? {
            guard d > 0, d + 2 < n, byte(d - 1) == ASCII.space, byte(d + 2) == ASCII.space,
                  byte(d + 1) == UInt8(ascii: "j") || byte(d + 1) == UInt8(ascii: "g") else { return nil }
            var stop = d + 3
            while stop < n, byte(stop) != ASCII.space { stop += 1 }
            return d + 3..<stop
        }
        /// Past the quoted string opened at `quote`: its closing quote is the first not escaped.
        @inline(__always) func afterQuote(_ quote: Int) -> Int {
            var close = quote + 1
            while close < n, let q = s.firstIndex(of: ASCII.quote, from: close) {
                var backslashes = 0
                while q - backslashes - 1 > quote, byte(q - backslashes - 1) == ASCII.backslash { backslashes += 1 }
                close = q + 1
                if backslashes & 1 == 0 { break }
            }
            return close
        }

        var i = 0
        // Nine bytes readable: the word at `i` and the one a byte on, for the letter after a dash.
        scan: while i + 9 <= n {
            let w = ByteWord.load(p, i)
            let next = ByteWord.load(p, i + 1)
            var hits = ByteWord.bytes(w, ASCII.dash) & (ByteWord.bytes(next, UInt8(ascii: "j")) | ByteWord.bytes(next, UInt8(ascii: "g")))
                | ByteWord.bytes(w, ASCII.quote)
            while hits != 0 {
                let at = i + hits.trailingZeroBitCount >> 3
                if byte(at) == ASCII.quote {
                    i = afterQuote(at)
                    continue scan
                }
                if let found = targetAt(at) { return found }
                hits &= hits &- 1
            }
            i += 8
        }
        while i < n {
            let c = byte(i)
            if c == ASCII.quote {
                i = afterQuote(i)
                continue
            }
            if c == ASCII.dash, let found = targetAt(i) { return found }
            i += 1
        }
        return nil
    }
}
