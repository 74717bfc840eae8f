/// Finds what an nft rule does with a packet, in its stored text.
///
/// The verdict or action word (`accept`, `drop`, `dnat`, ...) outside quotes and braces,
/// the last one winning (a verdict ends a rule); `jump X`/`goto X` give `X`, iptables-nft's
/// `xt target "REDIRECT"` gives `REDIRECT`. `ct status dnat` is a match, not an action.
///
/// The nft text scanner leaves a rule's verdict to be found here when it is asked for
/// (`ArenaRange.inNftText`), as a save rule's target is (`SaveRuleTarget`): reading every
/// rule word by word for it was the larger part of storing an nft rule, and an analysis
/// asks only for the rules that changed.
@usableFromInline
enum NftRuleVerdict {
    @usableFromInline
    static func find(in raw: UnsafeRawBufferPointer, _ text: ArenaRange) -> ArenaRange {
        let end = Int(text.end)
        var i = Int(text.start)
        // Most rules hold no quote or brace: their words end at the next space.
        let whole = ByteSlice(raw).slice(i, end)
        let plain = whole.firstIndex(of: ASCII.quote) == nil && whole.firstIndex(of: ASCII.openBrace) == nil
            && whole.firstIndex(of: ASCII.closeBrace) == nil
        var depth = 0
        var found = ArenaRange.empty
        var previous = ArenaRange.empty
        var beforePrevious = ArenaRange.empty
        // 1: the next word is the chain of a jump/goto; 2: `xt` was seen; 3: `xt target`.
        var expecting = 0

        while i < end {
            while i < end, raw[i] == ASCII.space { i += 1 }
            guard i < end else { break }
            let start = i
            var quoted = false
            var braces = 0
            if plain {
                while i < end, raw[i] != ASCII.space { i += 1 }
            }
            while i < end, quoted || raw[i] != ASCII.space {
                switch raw[i] {
                case ASCII.quote: quoted.toggle()
                case ASCII.openBrace where !quoted: braces += 1
                case ASCII.closeBrace where !quoted: braces -= 1
                default: break
                }
                i += 1
            }
            let word = ArenaRange(start: Int32(start), end: Int32(i))
            if braces != 0 || depth > 0 {
                depth += braces
                expecting = 0
                continue
            }
            switch expecting {
            case 1:
                found = word
                expecting = 0
            case 2:
                expecting = equals(raw, word, "target") ? 3 : 0
            case 3:
                found = unquoted(raw, word)
                expecting = 0
            default:
                let length = word.end - word.start
                if length == 4 && (equals(raw, word, "jump") || equals(raw, word, "goto")) {
                    expecting = 1
                } else if length == 2 && equals(raw, word, "xt") {
                    expecting = 2
                } else if length >= 4, isAction(raw, word), !isStatusValue(raw, previous, beforePrevious) {
                    found = word
                }
            }
            beforePrevious = previous
            previous = word
        }
        return found
    }

    private static func isAction(_ raw: UnsafeRawBufferPointer, _ w: ArenaRange) -> Bool {
        switch w.end - w.start {
        case 4: return equals(raw, w, "drop") || equals(raw, w, "snat") || equals(raw, w, "dnat")
        case 5: return equals(raw, w, "queue")
        case 6: return equals(raw, w, "accept") || equals(raw, w, "reject") || equals(raw, w, "return")
            || equals(raw, w, "tproxy")
        case 8: return equals(raw, w, "redirect") || equals(raw, w, "continue")
        case 10: return equals(raw, w, "masquerade")
        default: return false
        }
    }

    /// `ct status dnat`, `ct status != snat`.
    private static func isStatusValue(_ raw: UnsafeRawBufferPointer, _ previous: ArenaRange,
                                      _ beforePrevious: ArenaRange) -> Bool {
        equals(raw, previous, "status")
            || ((equals(raw, previous, "!=") || equals(raw, previous, "==")) && equals(raw, beforePrevious, "status"))
    }

    private static func equals(_ raw: UnsafeRawBufferPointer, _ w: ArenaRange, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard Int(w.end - w.start) == n else { return false }
        let p = s.utf8Start
        for k in 0..<n where raw[Int(w.start) + k] != p[k] { return false }
        return true
    }

    private static func unquoted(_ raw: UnsafeRawBufferPointer, _ w: ArenaRange) -> ArenaRange {
        if w.end - w.start >= 2, raw[Int(w.start)] == ASCII.quote, raw[Int(w.end) - 1] == ASCII.quote {
            return ArenaRange(start: w.start + 1, end: w.end - 1)
        }
        return w
    }
}
