/// Words as a shell reads them: the save format's quoted words split back apart, and any word
/// quoted again so that pasting a printed command runs exactly it. A rule's comment comes from
/// whoever wrote the rule: `$(...)`, backquotes and control characters in it must stay text.
enum _ShellWords {
    /// Splits an `iptables-save` rule line: blanks separate words, `"..."` groups them, and a
    /// backslash inside quotes escapes the next character (iptables-save writes `\"` and `\\`).
    static func splitSave(_ line: String) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quoted = false
        var escaped = false
        for ch in line.unicodeScalars {
            if escaped {
                word.unicodeScalars.append(ch)
                escaped = false
            } else if quoted {
                if ch == "\\" { escaped = true } else if ch == "\"" { quoted = false } else { word.unicodeScalars.append(ch) }
            } else if ch == " " || ch == "\t" {
                if inWord { words.append(word); word = ""; inWord = false }
            } else if ch == "\"" {
                quoted = true
                inWord = true
            } else {
                word.unicodeScalars.append(ch)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }

    /// One word for a POSIX shell: bare when it holds only characters no shell treats
    /// specially, single-quoted otherwise, and `$'...'` (bash, zsh) with `\xHH` escapes when
    /// it holds control characters, which a terminal must never receive raw.
    static func quote(_ word: String) -> String {
        if !word.isEmpty && word.unicodeScalars.allSatisfy(isPlain) { return word }
        if word.unicodeScalars.contains(where: isControl) {
            var out = "$'"
            for s in word.unicodeScalars {
                switch s {
                case "'": out += "\\'"
                case "\\": out += "\\\\"
                default:
                    if isControl(s) {
                        let hex = String(s.value, radix: 16)
                        out += s.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" : "") + hex
                            : "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                    } else {
                        out.unicodeScalars.append(s)
                    }
                }
            }
            return out + "'"
        }
        return "'" + word.replacingAll("'", with: "'\\''") + "'"
    }

    static func join(_ words: [String]) -> String { words.map(quote).joined(separator: " ") }

    static func isPlain(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
            || "_-./:,=+@%".unicodeScalars.contains(s)
    }

    /// C0, DEL, C1 and the line and paragraph separators.
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s.value == 0x2028 || s.value == 0x2029
    }
}

extension String {
    /// Every `target` replaced by `replacement` (the core has no Foundation).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
