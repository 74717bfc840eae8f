/// Writes JSON text by hand: the core carries no Foundation, and its reports are small and
/// flat enough that an encoder would add nothing but weight.
public enum JSONText {
    /// `value` as a JSON string literal, quotes included; control characters escaped, invalid
    /// UTF-8 already repaired by `String`.
    public static func quoted(_ value: String) -> String {
        var out = "\""
        out.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
        return out
    }

    /// A JSON number for a double, without exponent noise for ordinary values.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        var s = String((value * 1_000_000).rounded() / 1_000_000)
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }
}
