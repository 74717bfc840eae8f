/// One rule line of a listing, read as offsets into the line: nothing is copied.
///
///     1        0     0 REDIRECT   tcp  --  any    any     anywhere      anywhere      tcp dpt:https redir ports 47443
///     num   pkts bytes target     prot opt in     out     source        destination   match ...
///
/// Columns are read as blank-separated fields, not at fixed offsets: a long target or
/// interface name (`KUBE-SERVICES  all`, `docker_gwbridge docker_gwbridge`), a line number
/// or an `-x` count pushes everything after it to the right. Two columns may be blank:
/// - `target`, on a rule without `-j`: xtables pads the empty name to its 9 columns, so the
///   field after the counters is then further than the one separating space away.
/// - `opt`, in old ip6tables (`all      lo`): a field that is not `--`, `-f` or `!f` is
///   already the in-interface.
struct _ListingRuleLine {
    var packets: Counter?
    var bytes: Counter?
    var target: Range<Int> = 0..<0
    var proto: Range<Int> = 0..<0
    var opt: Range<Int> = 0..<0
    var inInterface: Range<Int> = 0..<0
    var outInterface: Range<Int> = 0..<0
    var source: Range<Int> = 0..<0
    var destination: Range<Int> = 0..<0
    /// The match text, trailing blanks trimmed (possibly empty).
    var match: Range<Int> = 0..<0

    /// What `read` made of a line. The rule itself is read into the caller's variable: carried
    /// in the enum, its ranges and counts were copied out with a `memmove` on every line.
    enum Outcome {
        case rule
        /// The line does not start like a rule (a timestamp, a bare number).
        case notARule
        /// It starts like a rule but cannot be one.
        case invalid(String)
    }

    /// Reads `b` as a rule laid out as `layout` says, into `r`.
    ///
    /// - Parameters:
    ///   - needsOpt: accept the line only if it has an `opt` field; this is what tells a
    ///     listing without counters (whose lines start with a target name) from prose.
    ///   - r: a fresh `_ListingRuleLine()`; a rule only when `.rule` comes back.
    static func read(_ b: UnsafeRawBufferPointer, layout: _ListingLayout, needsOpt: Bool = false,
                     into r: inout _ListingRuleLine) -> Outcome {
        var n = b.count
        while n > 0, isBlank(b[n - 1]) { n -= 1 }
        var i = 0
        // The end of the field before the target column, if any.
        var before = -1

        if layout.hasNumbers {
            let num = field(b, &i, n)
            guard !num.isEmpty, isDigits(b, num) else { return .notARule }
            before = num.upperBound
        }
        if layout.hasCounters {
            let p = field(b, &i, n)
            // One field alone on a line is no rule (an epoch timestamp, say).
            if p.isEmpty { return .notARule }
            guard let packets = counter(b, p) else {
                return layout.hasNumbers || looksLikeCounter(b, p) ? .invalid("unreadable packet count") : .notARule
            }
            let q = field(b, &i, n)
            if q.isEmpty { return layout.hasNumbers ? .invalid("rule line ends after its packet count") : .notARule }
            guard let bytes = counter(b, q) else { return .invalid("unreadable byte count") }
            r.packets = packets
            r.bytes = bytes
            before = q.upperBound
        }

        i = firstNonBlank(b, from: i, to: n)
        if i == n { return before < 0 || !layout.hasCounters ? .notARule : .invalid("rule line ends before its target column") }
        let hasTarget = before < 0 ? i == 0 : i - before == 1
        if hasTarget { r.target = field(b, &i, n) }
        r.proto = field(b, &i, n)
        if r.proto.isEmpty { return .invalid("rule line ends before its prot column") }
        if hasTarget, isOpt(b, r.proto) {
            // Blanks squeezed out of a rule without a target: what looked like it was `prot`.
            r.opt = r.proto
            r.proto = r.target
            r.target = r.target.lowerBound..<r.target.lowerBound
        } else {
            let save = i
            let opt = field(b, &i, n)
            if isOpt(b, opt) { r.opt = opt } else { i = save; r.opt = save..<save }
        }
        if needsOpt, r.opt.isEmpty { return .notARule }
        if layout.hasInterfaces {
            r.inInterface = field(b, &i, n)
            r.outInterface = field(b, &i, n)
        }
        r.source = field(b, &i, n)
        r.destination = field(b, &i, n)
        if r.destination.isEmpty { return .invalid("rule line ends before its destination column") }
        i = firstNonBlank(b, from: i, to: n)
        r.match = i..<n
        return .rule
    }

    // Columns are short fields padded with runs of spaces: both are crossed eight bytes at a
    // time (`ByteWord`), which read the kube node's rule lines in 0.78 to 0.80 of the byte
    // loop's time (each pass over the same lines timed against the other; a 64-byte blank
    // bitmap walked with trailing-zero counts measured 0.80 to 0.83). A tab or CR among the
    // spaces, or a control byte in a field, is stepped over on its own.

    /// The next field from `i` on, `i` left at its end.
    @inline(__always)
    static func field(_ b: UnsafeRawBufferPointer, _ i: inout Int, _ n: Int) -> Range<Int> {
        let start = firstNonBlank(b, from: i, to: n)
        i = firstBlank(b, from: start, to: n)
        return start..<i
    }

    /// The first byte of `b[from..<to]` that is no blank, or `to`.
    @inline(__always)
    static func firstNonBlank(_ b: UnsafeRawBufferPointer, from: Int, to n: Int) -> Int {
        var i = from
        if let base = b.baseAddress {
            while i + 8 <= n {
                let other = ~ByteWord.bytes(ByteWord.load(base, i), ASCII.space) & ~ByteWord.low7
                if other == 0 {
                    i += 8
                    continue
                }
                let j = i + ByteWord.firstByte(other)
                if !isBlank(b[j]) { return j }
                i = j + 1  // a tab or CR among the spaces
            }
        }
        while i < n, isBlank(b[i]) { i += 1 }
        return i
    }

    /// The first blank of `b[from..<to]`, or `to`.
    @inline(__always)
    static func firstBlank(_ b: UnsafeRawBufferPointer, from: Int, to n: Int) -> Int {
        var i = from
        if let base = b.baseAddress {
            while i + 8 <= n {
                let low = ByteWord.atMost(ByteWord.load(base, i), ASCII.space)
                if low == 0 {
                    i += 8
                    continue
                }
                let j = i + ByteWord.firstByte(low)
                if isBlank(b[j]) { return j }
                i = j + 1  // a control byte inside the field
            }
        }
        while i < n, !isBlank(b[i]) { i += 1 }
        return i
    }

    /// `ASCII.isBlank`, with the common answer for field bytes (above space) taken first.
    @inline(__always)
    static func isBlank(_ c: UInt8) -> Bool { c <= ASCII.space && (c == ASCII.space || c == ASCII.tab || c == ASCII.carriageReturn) }

    /// `--`, `-f` or `!f`: the fragment flags xtables prints in the `opt` column.
    @inline(__always)
    static func isOpt(_ b: UnsafeRawBufferPointer, _ f: Range<Int>) -> Bool {
        guard f.count == 2 else { return false }
        let c0 = b[f.lowerBound], c1 = b[f.lowerBound + 1]
        return (c0 == ASCII.dash || c0 == UInt8(ascii: "!")) && (c1 == ASCII.dash || c1 == UInt8(ascii: "f"))
    }

    /// Digits and at most one letter: a count, if a wrong one (`99K`, `12Q`), not a timestamp.
    static func looksLikeCounter(_ b: UnsafeRawBufferPointer, _ f: Range<Int>) -> Bool {
        guard !f.isEmpty, ASCII.isDigit(b[f.upperBound - 1]) || ASCII.isLetter(b[f.upperBound - 1]) else { return false }
        return isDigits(b, f.lowerBound..<(f.upperBound - 1))
    }

    @inline(__always)
    static func isDigits(_ b: UnsafeRawBufferPointer, _ f: Range<Int>) -> Bool {
        for j in f where !ASCII.isDigit(b[j]) { return false }
        return true
    }

    /// Reads a count as xtables prints it: plain digits are exact, digits with a `K`, `M`,
    /// `G` or `T` stand for the interval `Counter.abbreviated` gives.
    ///
    /// - Returns: `nil` for anything else, or a number no count prints as.
    @inline(__always)
    static func counter(_ b: UnsafeRawBufferPointer, _ f: Range<Int>) -> Counter? {
        var value: UInt64 = 0
        var j = f.lowerBound
        while j < f.upperBound {
            let d = b[j] &- ASCII.zero
            if d >= 10 { break }
            if value < 1_000_000_000_000_000_000 {
                value = value &* 10 &+ UInt64(d)
            } else {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(d))
                if o1 || o2 { return nil }
                value = a
            }
            j += 1
        }
        if j == f.lowerBound { return nil }
        if j == f.upperBound { return .exact(value) }
        guard j + 1 == f.upperBound, let steps = Counter.steps(forUnit: b[j]) else { return nil }
        return Counter.abbreviated(value, steps: steps)
    }
}
