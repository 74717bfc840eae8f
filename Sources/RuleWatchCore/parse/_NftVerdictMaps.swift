/// Verdict maps: the target of a rule whose verdicts come from a map, in nft text and JSON.
/// The verdict of any other rule is `NftRuleVerdict`'s to find.
enum _NftVerdictMaps {
    /// The verdicts a map may hold, in the order a target names them.
    static let mapVerdicts: [StaticString] = ["accept", "drop", "reject", "return", "continue", "queue", "jump", "goto"]

    /// Bit `i` for `mapVerdicts[i]`; 0 for any other word.
    static func mapVerdictBit(_ w: ByteSlice) -> UInt8 {
        for (i, v) in mapVerdicts.enumerated() where w == v { return 1 << UInt8(i) }
        return 0
    }

    /// `vmap {accept, drop}`: the target of a rule whose verdicts come from an inline map.
    static func vmapTarget(verdicts: UInt8) -> [UInt8] {
        var out = Array("vmap {".utf8)
        var first = true
        for (i, v) in mapVerdicts.enumerated() where verdicts & (1 << UInt8(i)) != 0 {
            if !first { out += Array(", ".utf8) }
            first = false
            out.append(contentsOf: ByteSlice(v).base)
        }
        out.append(ASCII.closeBrace)
        return out
    }

    /// The target of an nft text rule that ends in `vmap { ... }` or `vmap @m`; `nil` when
    /// it has no verdict map.
    static func vmap(in text: ByteSlice) -> [UInt8]? {
        var from = 0
        var at: Int?
        while let hit = text.firstRange(of: "vmap ", from: from) {
            if hit == 0 || text[hit - 1] == ASCII.space { at = hit; break }
            from = hit + 1
        }
        guard let at else { return nil }
        let rest = text.dropFirst(at + 5)
        if rest.byte(at: 0) == ASCII.at {
            var end = 1
            while end < rest.count, rest[end] != ASCII.space { end += 1 }
            return Array("vmap ".utf8) + Array(UnsafeRawBufferPointer(rebasing: rest.base[0..<end]))
        }
        guard rest.byte(at: 0) == ASCII.openBrace else { return nil }
        var verdicts: UInt8 = 0
        var depth = 0
        var i = 0
        var wordStart = -1
        var quoted = false
        while i <= rest.count {
            let c = i < rest.count ? rest[i] : ASCII.space
            if c == ASCII.quote { quoted.toggle() }
            let letter = !quoted && ASCII.isLetter(c)
            if letter, wordStart < 0 { wordStart = i }
            if !letter, wordStart >= 0 {
                verdicts |= mapVerdictBit(rest.slice(wordStart, i))
                wordStart = -1
            }
            if !quoted, c == ASCII.openBrace { depth += 1 }
            if !quoted, c == ASCII.closeBrace {
                depth -= 1
                if depth == 0 { break }
            }
            i += 1
        }
        return vmapTarget(verdicts: verdicts)
    }
}
