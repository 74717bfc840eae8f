// The rules path's skip: a container nothing in which is read (a rule's match, a set's
// elements) is copied into the rule's text as compact JSON without going through the
// tokenizer, eight bytes at a time.

extension NftJSONScanner {
    /// Like `skip`, copying the container's bytes to `ruleText` as they go, the blanks
    /// between tokens left out. A string with an escape or a control byte hands back to
    /// the tokenizer at that byte, which writes it in its one compact form (`codePoint`);
    /// the tokenizer skips again at the next container it opens. Returns where it stopped.
    mutating func copySkip<R: TableReceiver>(_ p: UnsafeRawPointer, from start: Int, count n: Int,
                                             into receiver: inout R) throws -> Int {
        var i = start
        var level = depth
        var inString = skipInString
        let base = skipBase
        // 0 to 4 as `skipBracket` says; 5 an escape or control byte in a string, 6 the text is full.
        var outcome = 0
        while outcome == 0 && i < n {
            // A chunk at a time through the scratch buffer, appended in one copy; the text
            // never grows by more than what is read, nor past its limit.
            let room = Self.maxRuleText - ruleText.count
            if room <= 0 {
                outcome = 6
                break
            }
            let chunk = Swift.min(n - i, room, Self.copyChunk)
            var out = 0
            copyScratch.withUnsafeMutableBytes { scratch in
                let dst = scratch.baseAddress!
                isObject.withUnsafeMutableBufferPointer { kinds in
                    while i < n && out < chunk {
                        if i &+ 8 <= n {
                            let w = _JSONWord.load(p, i)
                            let quotes = _JSONWord.bytes(w, 0x22)
                            let parity = _JSONWord.prefixParity(quotes)
                            let inside = (inString ? ~parity : parity) & ~quotes
                            let controls = _JSONWord.controls(w)
                            if _JSONWord.bytes(w, 0x5C) == 0 && controls & inside == 0 {
                                let lowered = w | 0x2020_2020_2020_2020
                                var brackets = (_JSONWord.opens(lowered) | _JSONWord.closes(lowered)) & ~inside & _JSONWord.high
                                // Blanks between tokens (any control byte there: JSON allows none other).
                                let drop = (_JSONWord.bytes(w, 0x20) | controls) & ~inside & ~quotes & _JSONWord.high
                                // How many of the word's bytes are taken: all, or up to the close.
                                var take = 8
                                while brackets != 0 {
                                    let k = brackets.trailingZeroBitCount &>> 3
                                    brackets &= brackets &- 1
                                    let b = p.load(fromByteOffset: i &+ k, as: UInt8.self)
                                    let stop = Self.skipBracket(b, level: &level, kinds: kinds, base: base)
                                    if stop != 0 {
                                        take = k &+ 1
                                        outcome = stop
                                        break
                                    }
                                }
                                if drop == 0 && take == 8 {
                                    (dst + out).storeBytes(of: w.littleEndian, as: UInt64.self)
                                    out &+= 8
                                } else {
                                    var v = w
                                    var d = drop &>> 7
                                    for _ in 0..<take {
                                        dst.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: out, as: UInt8.self)
                                        out &+= 1 &- Int(d & 1)
                                        v &>>= 8
                                        d &>>= 8
                                    }
                                }
                                if take == 8 {
                                    if quotes.nonzeroBitCount & 1 == 1 { inString.toggle() }
                                } else {
                                    inString = false
                                }
                                i &+= take
                                if outcome != 0 { return }
                                continue
                            }
                        }
                        // Byte by byte: the last bytes of the piece, or a word with a backslash.
                        let b = p.load(fromByteOffset: i, as: UInt8.self)
                        if inString {
                            if b == 0x5C || b < 0x20 { outcome = 5; return }
                            if b == 0x22 { inString = false }
                        } else {
                            switch b {
                            case 0x22:
                                inString = true
                            case 0x7B, 0x5B, 0x7D, 0x5D:
                                // A failing bracket ends the copy before it; a close, after it.
                                let stop = Self.skipBracket(b, level: &level, kinds: kinds, base: base)
                                if stop > 1 {
                                    i &+= 1
                                    outcome = stop
                                    return
                                }
                                outcome = stop
                            case 0x20, 0..<0x20:
                                i &+= 1
                                continue
                            default:
                                break
                            }
                        }
                        dst.storeBytes(of: b, toByteOffset: out, as: UInt8.self)
                        out &+= 1
                        i &+= 1
                        if outcome != 0 { return }
                    }
                }
            }
            // Words may run up to 7 bytes past the chunk: the limit is kept exactly.
            let kept = Swift.min(out, room)
            copyScratch.withUnsafeBytes { ruleText.append($0.baseAddress!, kept) }
            if kept < out { outcome = 6 }
        }
        depth = level
        skipInString = inString
        if let next = endSkip(outcome, at: i, count: n) { return next }
        switch outcome {
        case 5:
            resumeString()
            return i
        case 6:
            cutText()
            skipCopies = false
            return try skip(p, from: i, count: n, into: &receiver)
        default:
            return n
        }
    }

    /// The copy met an escape or a control byte in a string: the tokenizer reads on from it,
    /// inside the string, in containers of no role. The string is a key if it follows `{`,
    /// or `,` in an object: the text, blanks left out, has that byte before its last quote.
    mutating func resumeString() {
        for d in (skipBase + 1)..<Swift.max(skipBase + 1, Swift.min(depth + 1, roles.count)) { roles[d] = .other }
        var q = ruleText.count - 1
        while q > 0 && ruleText[q] != ASCII.quote { q -= 1 }
        let before = q > 0 ? ruleText[q - 1] : 0
        stringIsKey = isObject[depth] == 1 && (before == ASCII.openBrace || before == ASCII.comma)
        capturing = false
        pendingHigh = 0
        state = .string
    }
}
