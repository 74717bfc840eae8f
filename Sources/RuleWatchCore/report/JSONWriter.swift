/// Writes JSON text by hand: the library has no Foundation.
struct JSONWriter {
    private(set) var output = ""

    mutating func raw(_ s: String) { output += s }

    /// A string literal, escaped per RFC 8259: quote, backslash and control characters;
    /// everything else, invalid UTF-8 already repaired by `String`, as is.
    mutating func string(_ s: String) {
        output += "\""
        var run = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": run += "\\\""
            case "\\": run += "\\\\"
            case "\n": run += "\\n"
            case "\r": run += "\\r"
            case "\t": run += "\\t"
            case "\u{08}": run += "\\b"
            case "\u{0C}": run += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    run += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    run.unicodeScalars.append(scalar)
                }
            }
        }
        output += run
        output += "\""
    }

    mutating func number(_ v: Double) {
        guard v.isFinite else { output += "null"; return }
        if v == v.rounded(), abs(v) < 1e15 { output += String(Int64(v)) } else { output += String(v) }
    }

    mutating func value(_ v: EvidenceValue) {
        switch v {
        case .int(let i): output += String(i)
        case .double(let d): number(d)
        case .string(let s): string(s)
        case .bool(let b): output += b ? "true" : "false"
        case .null: output += "null"
        case .array(let items):
            output += "["
            for (i, item) in items.enumerated() {
                if i > 0 { output += "," }
                value(item)
            }
            output += "]"
        case .object(let fields):
            object(fields)
        }
    }

    mutating func object(_ fields: [EvidenceField]) {
        output += "{"
        for (i, f) in fields.enumerated() {
            if i > 0 { output += "," }
            string(f.key)
            output += ":"
            value(f.value)
        }
        output += "}"
    }
}
