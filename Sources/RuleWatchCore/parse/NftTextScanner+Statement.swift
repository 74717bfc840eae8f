// MARK: - Storing a one-line rule, its verdict found on the way

extension NftTextScanner {
    /// Stores a rule's statement as `writeStatement` does and finds its verdict as
    /// `_NftVerdict.find` would in the stored text, in one reading of the line, when the
    /// line has no tab, quote or brace (nearly every rule: `meta l4proto tcp  tcp dport 80
    /// counter packets 0 bytes 0 jump KUBE-SVC-X`). Writing the statement space by space
    /// with a `memchr` each, then reading it again word by word for the verdict, was most
    /// of what storing an nft rule cost.
    ///
    /// - Returns: the verdict's range in the arena (empty: none), or `nil`, with nothing
    ///   written, for a line it does not take.
    mutating func storePlainStatement(_ text: ByteSlice, counter: AnonymousCounter?) -> ArenaRange? {
        let end = NftTextScanner.endWithoutHandle(text)
        let first: ByteSlice
        var second = ByteSlice.empty
        if let counter, counter.valuesEnd <= end {
            // The first piece ends at `counter`, the second starts with a space: no run of
            // spaces crosses from one to the other.
            first = text.slice(0, counter.valuesStart)
            second = text.slice(counter.valuesEnd, end)
        } else {
            first = text.slice(0, end)
        }
        var words = _PlainWords(origin: table.rules.mark)
        guard words.read(first), words.read(second) else { return nil }
        if end < text.count { pending.handle = NftTextScanner.handle(in: text) }

        let stored = first.count + second.count
        table.rules.write(reserving: stored) { w in
            w.write(first)
            w.write(second)
        }
        if words.collapsed > 0 {
            // Runs of spaces made one, in place, from the first run on.
            table.rules.bytes.withUnsafeMutableBytes(from: Int(words.origin)) { b in
                var out = words.firstRun
                var i = words.firstRun
                while i < stored {
                    let c = b[i]
                    if !(c == ASCII.space && b[out - 1] == ASCII.space) {
                        b[out] = c
                        out += 1
                    }
                    i += 1
                }
            }
            table.rules.bytes.removeLast(words.collapsed)
        }
        return words.found
    }
}

/// The words of a plain nft statement (no tab, quote or brace), read eight bytes at a time,
/// and the verdict among them as `_NftVerdict.find` picks it: the last action word not after
/// `ct status` (`drop`, `accept`, `dnat`, ...), the word after `jump`/`goto`, the word after
/// `xt target`. Ranges are where the words land in the arena once runs of spaces are one.
struct _PlainWords {
    /// Where the statement starts in the arena.
    let origin: Int32
    /// Bytes read so far, over all pieces.
    var offset = 0
    /// Spaces dropped so far (each one of a run but the first).
    var collapsed = 0
    /// Where the first dropped space is, from `origin` (before dropping).
    var firstRun = 0
    var found = ArenaRange.empty
    /// The word before the current one, and the one before that: their bytes, to compare.
    var previous = ByteSlice.empty
    var beforePrevious = ByteSlice.empty
    /// 1: the next word is the chain of a jump/goto; 2: `xt` was seen; 3: `xt target`.
    var expecting = 0

    init(origin: Int32) { self.origin = origin }

    /// Reads one piece; `false` at a tab, quote or brace.
    mutating func read(_ s: ByteSlice) -> Bool {
        let n = s.count
        guard n > 0, let p = s.base.baseAddress else { return true }
        let spaces: UInt64 = 0x2020_2020_2020_2020
        let tabs: UInt64 = 0x0909_0909_0909_0909
        let quotes: UInt64 = 0x2222_2222_2222_2222
        let opens: UInt64 = 0x7B7B_7B7B_7B7B_7B7B
        let closes: UInt64 = 0x7D7D_7D7D_7D7D_7D7D
        // The last space seen in this piece (-1: none yet).
        var lastSpace = -1
        var i = 0
        while i + 8 <= n {
            let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let z = Self.zeroBytes
            if z(w ^ tabs) | z(w ^ quotes) | z(w ^ opens) | z(w ^ closes) != 0 { return false }
            var hits = z(w ^ spaces)
            while hits != 0 {
                space(at: i + hits.trailingZeroBitCount >> 3, in: p, after: &lastSpace)
                hits &= hits &- 1
            }
            i += 8
        }
        while i < n {
            let c = p.load(fromByteOffset: i, as: UInt8.self)
            if c == ASCII.tab || c == ASCII.quote || c == ASCII.openBrace || c == ASCII.closeBrace { return false }
            if c == ASCII.space { space(at: i, in: p, after: &lastSpace) }
            i += 1
        }
        if n > lastSpace + 1 {
            word(ByteSlice(UnsafeRawBufferPointer(start: p + lastSpace + 1, count: n - lastSpace - 1)),
                 at: offset + lastSpace + 1)
        }
        offset += n
        return true
    }

    /// 0x80 in each byte of `x` that is zero, and nowhere else.
    @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((x & low) &+ low) | x | low)
    }

    /// A space at `i` of the piece at `p`: it ends the word since `lastSpace`, or lengthens a run.
    @inline(__always)
    private mutating func space(at i: Int, in p: UnsafeRawPointer, after lastSpace: inout Int) {
        if i > lastSpace + 1 {
            word(ByteSlice(UnsafeRawBufferPointer(start: p + lastSpace + 1, count: i - lastSpace - 1)),
                 at: offset + lastSpace + 1)
        } else if lastSpace >= 0 {
            if collapsed == 0 { firstRun = offset + i }
            collapsed += 1
        }
        lastSpace = i
    }

    /// A word read at `at` bytes into the statement (before dropping spaces).
    @inline(__always)
    private mutating func word(_ w: ByteSlice, at: Int) {
        let start = origin + Int32(truncatingIfNeeded: at - collapsed)
        let range = ArenaRange(start: start, end: start + Int32(truncatingIfNeeded: w.count))
        switch expecting {
        case 1:
            found = range
            expecting = 0
        case 2:
            expecting = w == "target" ? 3 : 0
        case 3:
            // Plain: no quotes to take off.
            found = range
            expecting = 0
        default:
            switch w.count {
            case 2:
                if w == "xt" { expecting = 2 }
            case 4:
                if w == "jump" || w == "goto" {
                    expecting = 1
                } else if (w == "drop" || w == "snat" || w == "dnat") && !afterStatus {
                    found = range
                }
            case 5:
                if w == "queue", !afterStatus { found = range }
            case 6:
                if (w == "accept" || w == "reject" || w == "return" || w == "tproxy"), !afterStatus { found = range }
            case 8:
                if (w == "redirect" || w == "continue"), !afterStatus { found = range }
            case 10:
                if w == "masquerade", !afterStatus { found = range }
            default:
                break
            }
        }
        beforePrevious = previous
        previous = w
    }

    /// `ct status dnat`, `ct status != snat`: a match, not an action.
    private var afterStatus: Bool {
        previous == "status" || ((previous == "!=" || previous == "==") && beforePrevious == "status")
    }
}
