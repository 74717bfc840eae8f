/// Lines that begin something other than the dump a scanner is in.
///
/// The save and nft scanners ask this of lines inside their tables, so that a dump cut off
/// by the next snapshot's timestamp or the next dump ends there instead of swallowing it.
enum _SectionStart {
    /// A line (trimmed) that starts something else in a capture: a timestamp, a listing's
    /// `Chain` header, an nft `table`, nft JSON. Scanners answer `.notMine` to it even
    /// inside a table, so a dump cut off by the next snapshot ends there.
    static func looksLikeOtherSection(_ text: ByteSlice) -> Bool {
        guard let first = text.byte(at: 0) else { return false }
        if ASCII.isDigit(first) || first == ASCII.at || first == ASCII.openBrace { return true }
        if text.hasPrefix("Chain ") || text.hasPrefix("table ") { return true }
        return _SectionStart.looksLikeTimestamp(text)
    }

    /// `2026-11-24...`, `@1795514520`, `Tue Nov 24 ...`: strict enough not to take a set
    /// element (`10.0.0.1,`, `1024-65535`) or an nft raw payload (`@th,16,16`) for one.
    static func looksLikeTimestamp(_ text: ByteSlice) -> Bool {
        guard let first = text.byte(at: 0) else { return false }
        if first == ASCII.at {
            var i = 1
            return text.readDecimal(&i) != nil && (i == text.count || !ASCII.isLetter(text[i]) && text[i] != ASCII.comma)
        }
        if ASCII.isDigit(first) {
            guard text.count >= 10, text[4] == ASCII.dash, text[7] == ASCII.dash else { return false }
            return ASCII.isDigit(text[1]) && ASCII.isDigit(text[2]) && ASCII.isDigit(text[3])
                && ASCII.isDigit(text[5]) && ASCII.isDigit(text[6]) && ASCII.isDigit(text[8]) && ASCII.isDigit(text[9])
        }
        guard text.count >= 8, text[3] == ASCII.space else { return false }
        let day = text.slice(0, 3)
        return day == "Mon" || day == "Tue" || day == "Wed" || day == "Thu" || day == "Fri"
            || day == "Sat" || day == "Sun"
    }
}
