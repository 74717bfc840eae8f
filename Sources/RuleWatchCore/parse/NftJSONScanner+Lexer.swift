// The tokenizer: bytes in, schema events out (`NftJSONScanner+Schema.swift`).

extension NftJSONScanner {
    /// Reads one piece of a line. Every state is kept in `self`, so a token may end in a
    /// later piece or line.
    mutating func scan<R: TableReceiver>(_ bytes: ByteSlice, into receiver: inout R) throws {
        guard let p = bytes.base.baseAddress else { return }
        let n = bytes.count
        var i = 0
        while i < n {
            switch state {
            case .string:
                i = try stringRun(p, from: i, count: n, into: &receiver)
            case .escape:
                let b = p.load(fromByteOffset: i, as: UInt8.self)
                i &+= 1
                escape(b, at: i - 1)
            case .unicode:
                let b = p.load(fromByteOffset: i, as: UInt8.self)
                i &+= 1
                unicodeDigit(b, at: i - 1)
            case .number:
                i = try numberRun(p, from: i, count: n, into: &receiver)
            case .literal:
                while i < n {
                    let b = p.load(fromByteOffset: i, as: UInt8.self)
                    guard b &- UInt8(ascii: "a") < 26 else { break }
                    literalBits = literalBits << 8 | UInt64(b)
                    literalLength &+= 1
                    if literalLength > 5 { return fail("unexpected word", at: i) }
                    i &+= 1
                }
                if i == n { return }
                try endLiteral(at: i, into: &receiver)
            case .skip:
                i = skipCopies ? try copySkip(p, from: i, count: n, into: &receiver)
                               : try skip(p, from: i, count: n, into: &receiver)
            case .broken:
                return
            case .done:
                while i < n, Self.isSpace(p.load(fromByteOffset: i, as: UInt8.self)) { i &+= 1 }
                if i < n {
                    note("text after the end of the nft JSON document")
                    return
                }
            default:
                i = try tokens(p, from: i, count: n, into: &receiver)
            }
        }
    }

    /// Structural bytes, blanks and whole tokens one after another, in a state waiting
    /// for a token: a string or number read to its end here, a container skipped here, so
    /// the loop in `scan` (whose switch on the state is a jump the processor mispredicts)
    /// comes back only where a token runs on into the next piece or needs its slow path.
    @inline(__always)
    mutating func tokens<R: TableReceiver>(_ p: UnsafeRawPointer, from start: Int, count n: Int,
                                           into receiver: inout R) throws -> Int {
        var i = start
        while i < n {
            let b = p.load(fromByteOffset: i, as: UInt8.self)
            i &+= 1
            if Self.isSpace(b) { continue }
            try token(b, at: i &- 1, into: &receiver)
            switch state {
            case .value, .valueOrClose, .key, .keyOrClose, .colon, .afterValue:
                continue
            case .string:
                i = try stringRun(p, from: i, count: n, into: &receiver)
                if state != .colon && state != .afterValue { return i }
            case .number:
                i = try numberRun(p, from: i, count: n, into: &receiver)
                if state != .afterValue { return i }
            case .skip:
                i = skipCopies ? try copySkip(p, from: i, count: n, into: &receiver)
                               : try skip(p, from: i, count: n, into: &receiver)
                if state != .afterValue { return i }
            default:
                return i
            }
        }
        return i
    }

    /// A string's bytes from `start`, to its closing quote or the first escape or control
    /// byte, or the piece's end; returns where it stopped.
    @inline(__always)
    mutating func stringRun<R: TableReceiver>(_ p: UnsafeRawPointer, from start: Int, count n: Int,
                                              into receiver: inout R) throws -> Int {
        var i = start
        var b: UInt8 = 0
        // Whole words of plain string bytes first.
        while i &+ 8 <= n {
            let w = _JSONWord.load(p, i)
            let stops = _JSONWord.bytes(w, ASCII.quote) | _JSONWord.bytes(w, ASCII.backslash) | _JSONWord.controls(w)
            if stops != 0 {
                i &+= stops.trailingZeroBitCount &>> 3
                break
            }
            i &+= 8
        }
        while i < n {
            b = p.load(fromByteOffset: i, as: UInt8.self)
            if b == ASCII.quote || b == ASCII.backslash || b < 0x20 { break }
            i &+= 1
        }
        if i > start { stringBytes(p + start, i - start) }
        if i == n { return n }
        i &+= 1
        if b == ASCII.quote {
            try endString(into: &receiver)
        } else if b == ASCII.backslash {
            state = .escape
        } else {
            // A raw control byte: invalid JSON, but harmless; kept escaped.
            codePoint(UInt32(b))
        }
        return i
    }

    /// A number's bytes from `start`, to its end or the piece's; returns where it stopped.
    @inline(__always)
    mutating func numberRun<R: TableReceiver>(_ p: UnsafeRawPointer, from start: Int, count n: Int,
                                              into receiver: inout R) throws -> Int {
        var i = start
        while i < n {
            let b = p.load(fromByteOffset: i, as: UInt8.self)
            let digit = b &- ASCII.zero
            if digit < 10 {
                if numberField != .other { numberDigit(digit) }
            } else if b == ASCII.dot || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
                        || b == ASCII.plus || b == ASCII.dash {
                numberIsInteger = false
            } else {
                break
            }
            i &+= 1
        }
        if textOn && i > start { appendText(p + start, i - start) }
        if i == n { return n }
        try endNumber(into: &receiver)
        return i
    }

    /// The line ended: a newline ends a number or literal and may not be inside a string.
    mutating func endOfLine<R: TableReceiver>(into receiver: inout R) throws {
        switch state {
        case .string, .escape, .unicode:
            fail("line ends inside a string: the nft JSON document is cut off", at: nil)
        case .skip where skipInString:
            fail("line ends inside a string: the nft JSON document is cut off", at: nil)
        case .number:
            try endNumber(into: &receiver)
        case .literal:
            try endLiteral(at: nil, into: &receiver)
        default:
            break
        }
    }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool {
        b == ASCII.space || b == ASCII.newline || b == ASCII.tab || b == ASCII.carriageReturn
    }

    /// A structural byte or the first byte of a scalar, in a state waiting for a token.
    @inline(__always)
    mutating func token<R: TableReceiver>(_ b: UInt8, at offset: Int, into receiver: inout R) throws {
        switch state {
        case .value, .valueOrClose:
            if b == ASCII.closeBracket && state == .valueOrClose {
                try close(object: false, at: offset, into: &receiver)
            } else if depth == 0 && b != ASCII.openBrace {
                fail("expected '{' to begin the nft JSON document", at: offset)
            } else {
                try beginValue(b, at: offset, into: &receiver)
            }
        case .key, .keyOrClose:
            if b == ASCII.quote {
                beginString(key: true)
            } else if b == ASCII.closeBrace && state == .keyOrClose {
                try close(object: true, at: offset, into: &receiver)
            } else {
                fail("expected a key", at: offset)
            }
        case .colon:
            guard b == ASCII.colon else { return fail("expected ':' after a key", at: offset) }
            if textOn { appendText(ASCII.colon) }
            state = .value
        case .afterValue:
            if b == ASCII.comma {
                if textOn { appendText(ASCII.comma) }
                state = isObject[depth] == 1 ? .key : .value
            } else if b == ASCII.closeBrace || b == ASCII.closeBracket {
                try close(object: b == ASCII.closeBrace, at: offset, into: &receiver)
            } else {
                fail("expected ',' or a closing bracket", at: offset)
            }
        default:
            break
        }
    }

    @inline(__always)
    mutating func beginValue<R: TableReceiver>(_ b: UInt8, at offset: Int, into receiver: inout R) throws {
        switch b {
        case ASCII.openBrace, ASCII.openBracket:
            try open(object: b == ASCII.openBrace, at: offset, into: &receiver)
        case ASCII.quote:
            beginString(key: false)
        case ASCII.dash, ASCII.zero...ASCII.nine:
            numberField = valueNumberField()
            numberValue = 0
            numberOverflow = false
            numberIsInteger = b != ASCII.dash
            if numberField != .other && b != ASCII.dash { numberDigit(b &- ASCII.zero) }
            if textOn { appendText(b) }
            state = .number
        case UInt8(ascii: "a")...UInt8(ascii: "z"):
            literalBits = UInt64(b)
            literalLength = 1
            state = .literal
        default:
            fail("expected a value", at: offset)
        }
    }

    @inline(__always)
    mutating func open<R: TableReceiver>(object: Bool, at offset: Int, into receiver: inout R) throws {
        guard depth < Self.maxDepth else { return fail("nft JSON nested deeper than \(Self.maxDepth) levels", at: offset) }
        let role = childRole(object: object)
        depth += 1
        isObject[depth] = object ? 1 : 0
        if depth < roles.count { roles[depth] = role }
        state = object ? .keyOrClose : .valueOrClose
        try opened(role, into: &receiver)
        if textOn { appendText(object ? ASCII.openBrace : ASCII.openBracket) }
        if role == .other && (!wantsRules || vmapDepth == 0) {
            // Nothing in it is counted: find its end without reading its tokens (copying
            // them, if it is in a rule's text). In a verdict map its keys are the verdicts.
            state = .skip
            skipBase = depth
            skipInString = false
            skipEscape = false
            skipCopies = textOn
        }
    }

    /// Steps over a skipped container's bytes from `i`: strings (and their escapes) and
    /// brackets, which must pair up as everywhere else; returns where it stopped (the
    /// piece's end, or just past the container's close). Its state is held in locals and
    /// written back once: the loop touches no array through `self`.
    mutating func skip<R: TableReceiver>(_ p: UnsafeRawPointer, from start: Int, count n: Int,
                                         into receiver: inout R) throws -> Int {
        var i = start
        var level = depth
        var inString = skipInString
        var escape = skipEscape
        let base = skipBase
        // As `skipBracket` says: 0 running on, 1 the container closed, 2 to 4 a bracket failed.
        var outcome = 0
        isObject.withUnsafeMutableBufferPointer { kinds in
            while i < n {
                // Eight bytes at a time while no backslash is near: the strings' extent comes
                // from the parity of the quotes, and only the brackets outside them are looked
                // at, one by one. A word with a backslash goes byte by byte, below.
                if !escape && i &+ 8 <= n {
                    let w = _JSONWord.load(p, i)
                    if _JSONWord.bytes(w, 0x5C) == 0 {
                        let quotes = _JSONWord.bytes(w, 0x22)
                        let lowered = w | 0x2020_2020_2020_2020
                        let parity = _JSONWord.prefixParity(quotes)
                        let inside = inString ? ~parity : parity
                        var brackets = (_JSONWord.opens(lowered) | _JSONWord.closes(lowered)) & ~inside & _JSONWord.high
                        while brackets != 0 {
                            let at = i &+ brackets.trailingZeroBitCount &>> 3
                            brackets &= brackets &- 1
                            let b = p.load(fromByteOffset: at, as: UInt8.self)
                            let stop = Self.skipBracket(b, level: &level, kinds: kinds, base: base)
                            if stop != 0 {
                                i = at &+ 1
                                outcome = stop
                                return
                            }
                        }
                        if quotes.nonzeroBitCount & 1 == 1 { inString.toggle() }
                        i &+= 8
                        continue
                    }
                }
                if inString {
                    if escape {
                        escape = false
                        i &+= 1
                        continue
                    }
                    let b = p.load(fromByteOffset: i, as: UInt8.self)
                    i &+= 1
                    if b == 0x22 { inString = false } else if b == 0x5C { escape = true }
                    continue
                }
                let b = p.load(fromByteOffset: i, as: UInt8.self)
                i &+= 1
                switch b {
                case 0x22:
                    inString = true
                case 0x7B, 0x5B, 0x7D, 0x5D:
                    outcome = Self.skipBracket(b, level: &level, kinds: kinds, base: base)
                    if outcome != 0 { return }
                default:
                    continue
                }
            }
        }
        depth = level
        skipInString = inString
        skipEscape = escape
        return endSkip(outcome, at: i, count: n) ?? n
    }

    /// One bracket met while skipping, outside strings: `{` or `[` opens a level, `}` or `]`
    /// closes one and must match what opened it. Returns the skip's outcome: 0 it runs on,
    /// 1 the skipped container closed (the level fell below `base`), 2 too deep, 3 `}`
    /// closing an array, 4 `]` closing an object.
    @inline(__always)
    static func skipBracket(_ b: UInt8, level: inout Int, kinds: UnsafeMutableBufferPointer<UInt8>, base: Int) -> Int {
        if b | 0x20 == 0x7B {
            guard level < maxDepth else { return 2 }
            level &+= 1
            kinds[level] = b == 0x7B ? 1 : 0
            return 0
        }
        let object = b == 0x7D
        guard (kinds[level] == 1) == object else { return object ? 3 : 4 }
        level &-= 1
        return level < base ? 1 : 0
    }

    /// Where `skip` or `copySkip` goes on from after stopping at `i` with one of
    /// `skipBracket`'s outcomes: after the value when the container closed, the piece's end
    /// when a bracket failed the input; `nil` for an outcome of the caller's own.
    mutating func endSkip(_ outcome: Int, at i: Int, count n: Int) -> Int? {
        switch outcome {
        case 1:
            state = depth == 0 ? .done : .afterValue
            return i
        case 2:
            fail("nft JSON nested deeper than \(Self.maxDepth) levels", at: i - 1)
            return n
        case 3, 4:
            fail(outcome == 3 ? "'}' closes an array" : "']' closes an object", at: i - 1)
            return n
        default:
            return nil
        }
    }

    @inline(__always)
    mutating func close<R: TableReceiver>(object: Bool, at offset: Int, into receiver: inout R) throws {
        guard (isObject[depth] == 1) == object else {
            return fail(object ? "'}' closes an array" : "']' closes an object", at: offset)
        }
        if textOn { appendText(object ? ASCII.closeBrace : ASCII.closeBracket) }
        let role = depth < roles.count ? roles[depth] : .other
        depth -= 1
        state = depth == 0 ? .done : .afterValue
        if role != .other { try closed(role, into: &receiver) }
    }

    // MARK: Strings

    @inline(__always)
    mutating func beginString(key: Bool) {
        stringIsKey = key
        capturing = key ? keyIsCaptured() : valueStringIsCaptured()
        if capturing {
            captureCount = 0
            captureCut = false
            if !key && currentRole == .expr {
                captureLimit = Self.maxRuleText
                stringStart = ruleText.count
            } else {
                captureLimit = Self.maxCapture
            }
        }
        pendingHigh = 0
        if textOn { appendText(ASCII.quote) }
        state = .string
    }

    @inline(__always)
    mutating func endString<R: TableReceiver>(into receiver: inout R) throws {
        if pendingHigh != 0 { codePoint(0xFFFD) }
        if textOn { appendText(ASCII.quote) }
        if stringIsKey {
            state = .colon
            if capturing { keyRead() }
        } else {
            state = .afterValue
            if capturing { stringValueRead() }
        }
        capturing = false
    }

    /// Bytes of a string with nothing to unescape.
    @inline(__always)
    mutating func stringBytes(_ p: UnsafeRawPointer, _ count: Int) {
        if pendingHigh != 0 { codePoint(0xFFFD) }
        if capturing { captureBytes(p, count) }
        if textOn { appendText(p, count) }
    }

    mutating func captureBytes(_ p: UnsafeRawPointer, _ count: Int) {
        let room = captureLimit - captureCount
        if count > room { captureCut = true }
        let n = Swift.min(count, room)
        guard n > 0 else { return }
        let at = captureCount
        if at + n > capture.count {
            // Only a binding's string grows past a name's room.
            capture.append(contentsOf: repeatElement(0, count: Swift.max(at + n - capture.count, capture.count)))
        }
        capture.withUnsafeMutableBytes { buffer in
            // Names are short: a loop beats a call to memmove.
            for k in 0..<n { buffer[at + k] = p.load(fromByteOffset: k, as: UInt8.self) }
        }
        captureCount += n
    }

    mutating func escape(_ b: UInt8, at offset: Int) {
        state = .string
        switch b {
        case ASCII.quote, ASCII.backslash, ASCII.slash: codePoint(UInt32(b))
        case UInt8(ascii: "b"): codePoint(0x08)
        case UInt8(ascii: "f"): codePoint(0x0C)
        case UInt8(ascii: "n"): codePoint(0x0A)
        case UInt8(ascii: "r"): codePoint(0x0D)
        case UInt8(ascii: "t"): codePoint(0x09)
        case UInt8(ascii: "u"):
            unicodeValue = 0
            unicodeDigits = 0
            state = .unicode
        default:
            fail("unknown escape in a string", at: offset)
        }
    }

    mutating func unicodeDigit(_ b: UInt8, at offset: Int) {
        let v: UInt8
        switch b {
        case ASCII.zero...ASCII.nine: v = b - ASCII.zero
        case UInt8(ascii: "a")...UInt8(ascii: "f"): v = b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): v = b - UInt8(ascii: "A") + 10
        default: return fail("expected four hex digits after '\\u'", at: offset)
        }
        unicodeValue = unicodeValue << 4 | UInt32(v)
        unicodeDigits += 1
        guard unicodeDigits == 4 else { return }
        state = .string
        let u = unicodeValue
        switch u {
        case 0xD800...0xDBFF:
            if pendingHigh != 0 { codePoint(0xFFFD) }
            pendingHigh = u
        case 0xDC00...0xDFFF:
            if pendingHigh != 0 {
                let c = 0x10000 + ((pendingHigh - 0xD800) << 10) + (u - 0xDC00)
                pendingHigh = 0
                codePoint(c)
            } else {
                codePoint(0xFFFD)
            }
        default:
            codePoint(u)
        }
    }

    /// One unescaped character: captured as UTF-8, copied to the text in the one form
    /// compact JSON gives it, whatever escape the dump used.
    mutating func codePoint(_ c: UInt32) {
        if pendingHigh != 0 && c != 0xFFFD {
            pendingHigh = 0
            codePoint(0xFFFD)
        }
        pendingHigh = 0
        var utf8: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let count: Int
        switch c {
        case 0..<0x80:
            utf8.0 = UInt8(c); count = 1
        case 0x80..<0x800:
            utf8.0 = UInt8(0xC0 | c >> 6); utf8.1 = UInt8(0x80 | c & 0x3F); count = 2
        case 0x800..<0x10000:
            utf8.0 = UInt8(0xE0 | c >> 12); utf8.1 = UInt8(0x80 | c >> 6 & 0x3F)
            utf8.2 = UInt8(0x80 | c & 0x3F); count = 3
        default:
            utf8.0 = UInt8(0xF0 | c >> 18); utf8.1 = UInt8(0x80 | c >> 12 & 0x3F)
            utf8.2 = UInt8(0x80 | c >> 6 & 0x3F); utf8.3 = UInt8(0x80 | c & 0x3F); count = 4
        }
        withUnsafeBytes(of: &utf8) { raw in
            if capturing { captureBytes(raw.baseAddress!, count) }
            guard textOn else { return }
            switch c {
            case 0x22: appendText("\\\"")
            case 0x5C: appendText("\\\\")
            case 0x08: appendText("\\b")
            case 0x0C: appendText("\\f")
            case 0x0A: appendText("\\n")
            case 0x0D: appendText("\\r")
            case 0x09: appendText("\\t")
            case 0..<0x20:
                appendText("\\u00")
                let hex: StaticString = "0123456789abcdef"
                appendText(hex.utf8Start[Int(c >> 4)])
                appendText(hex.utf8Start[Int(c & 15)])
            default:
                appendText(raw.baseAddress!, count)
            }
        }
    }

    // MARK: Numbers and literals

    @inline(__always)
    mutating func numberDigit(_ d: UInt8) {
        let (m, o1) = numberValue.multipliedReportingOverflow(by: 10)
        let (a, o2) = m.addingReportingOverflow(UInt64(d))
        if o1 || o2 { numberOverflow = true }
        numberValue = a
    }

    mutating func endNumber<R: TableReceiver>(into receiver: inout R) throws {
        state = depth == 0 ? .done : .afterValue
        guard numberField != .other else { return }
        if numberField == .handle {
            ruleHandle = numberIsInteger && !numberOverflow && numberValue <= UInt64(UInt32.max) ? UInt32(numberValue) : 0
            return
        }
        if !numberIsInteger {
            note("counter value is not a whole number")
            numberValue = 0
        } else if numberOverflow {
            note("counter value too large, taken as \(UInt64.max)")
            numberValue = .max
        }
        numberRead(numberValue)
    }

    mutating func endLiteral<R: TableReceiver>(at offset: Int?, into receiver: inout R) throws {
        let word: StaticString
        switch (literalLength, literalBits) {
        case (4, 0x7472_7565): word = "true"
        case (5, 0x66_616C_7365): word = "false"
        case (4, 0x6E75_6C6C): word = "null"
        default: return fail("unexpected word", at: offset)
        }
        if textOn { appendText(word) }
        state = depth == 0 ? .done : .afterValue
    }

    // MARK: Text and problems

    @inline(__always)
    mutating func appendText(_ b: UInt8) {
        if ruleText.count < Self.maxRuleText { ruleText.append(byte: b) } else { cutText() }
    }

    mutating func appendText(_ p: UnsafeRawPointer, _ count: Int) {
        guard ruleText.count + count <= Self.maxRuleText else { return cutText() }
        ruleText.append(p, count)
    }

    mutating func appendText(_ s: StaticString) {
        appendText(UnsafeRawPointer(s.utf8Start), s.utf8CodeUnitCount)
    }

    mutating func cutText() {
        textFull = true
        textOn = false
        note("rule longer than \(Self.maxRuleText >> 20) MiB: its text is cut")
    }

    mutating func note(_ message: String) {
        if problem == nil { problem = message }
    }

    /// A syntax error: the document cannot be read on.
    mutating func fail(_ message: String, at offset: Int?) {
        state = .broken
        if let offset {
            note("\(message) at column \(lineOffset + offset + 1): the rest of the nft JSON document is skipped")
        } else {
            note(message)
        }
    }
}
