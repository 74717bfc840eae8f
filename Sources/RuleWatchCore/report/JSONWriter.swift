/// Writes JSON text by hand: the library has no Foundation.
struct JSONWriter {
    private(set) var output = ""

    mutating func raw(_ s: String) { output += s }

    /// A string literal, escaped as `JSONText.quoted` escapes it.
    mutating func string(_ s: String) { output += JSONText.quoted(s) }

    mutating func number(_ v: Double) { output += JSONText.number(v) }

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
