// MARK: - Small readings of a line

extension NftTextScanner {
    /// How much a line opens (positive) or closes (negative), braces in quotes not counted.
    static func braceDelta(_ text: ByteSlice) -> Int {
        guard text.firstIndex(of: ASCII.openBrace) != nil || text.firstIndex(of: ASCII.closeBrace) != nil else {
            return 0
        }
        var depth = 0
        var quoted = false
        for i in 0..<text.count {
            switch text[i] {
            case ASCII.quote: quoted.toggle()
            case ASCII.openBrace where !quoted: depth += 1
            case ASCII.closeBrace where !quoted: depth -= 1
            default: break
            }
        }
        return depth
    }

    /// A `#` line: the capture's egress or timestamp marker is not ours; a comment is.
    static func commentResult(_ text: ByteSlice) -> FeedResult {
        if text.hasPrefix("# egress") { return .notMine }
        let body = text.dropFirst(1).trimmed
        return !body.isEmpty && SaveScanner.looksLikeTimestamp(body) ? .notMine : .consumed
    }

    /// A line no nft statement starts like: a timestamp, another dump's header.
    static func startsOtherDump(_ text: ByteSlice) -> Bool {
        SaveScanner.looksLikeOtherSection(text) || SaveScanner.looksLikeSaveLine(text)
    }

    /// The same, strictly enough for lines inside a set, whose elements may start with
    /// digits (`10.0.0.1,`): a timestamp or another dump's header cuts the dump off here.
    static func cutsIn(_ text: ByteSlice) -> Bool {
        guard let first = text.byte(at: 0) else { return false }
        if first &- UInt8(ascii: "a") < 26 { return text.hasPrefix("table ") }
        return SaveScanner.looksLikeTimestamp(text) || text.hasPrefix("Chain ") || SaveScanner.looksLikeSaveLine(text)
    }

    /// A name without the quotes nft puts around some.
    static func unquoted(_ name: ByteSlice) -> ByteSlice {
        if name.count >= 2, name[0] == ASCII.quote, name[name.count - 1] == ASCII.quote {
            return name.slice(1, name.count - 1)
        }
        return name
    }

    /// The word at `from`, up to a blank or `;`.
    static func word(in text: ByteSlice, from: Int) -> ByteSlice {
        var end = from
        while end < text.count, !ASCII.isBlank(text[end]), text[end] != UInt8(ascii: ";") { end += 1 }
        return text.slice(from, end)
    }
}
