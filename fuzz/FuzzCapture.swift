// libFuzzer target over the whole capture parser and what reads its output: the history,
// the analyzer and both reports. Built by `run.sh` together with the library's sources, as
// one module, so it may also drive a scanner directly.

/// Keeps what a parse delivered and reads every byte of it, so that a rule pointing
/// outside its arena shows up under the address sanitizer.
struct FuzzRuleSink: DumpSink {
    var wantsRules: Bool { true }
    var checksum: UInt64 = 0

    mutating func beginSnapshot(_ header: SnapshotHeader) { checksum &+= UInt64(header.index) }
    mutating func endSnapshot(_ header: SnapshotHeader, partial: Bool) { checksum &+= partial ? 1 : 0 }
    mutating func table(_ t: ParsedTable) {
        checksum &+= UInt64(t.ruleCount) &+ UInt64(t.countedCount) &+ t.printedPackets
        checksum &+= UInt64(t.name.utf8.count) &+ UInt64(t.chains.count)
        precondition(t.rules.count <= t.ruleCount + t.objectCount, "more rules stored than counted")
        precondition(t.countedCount <= t.ruleCount, "more rules counted than read")
        var sum = checksum
        t.rules.forEach { r in
            for slice in [r.chain, r.target, r.text] {
                for i in 0..<slice.count { sum &+= UInt64(slice[i]) }
            }
            for column in [r.proto, r.opt, r.inInterface, r.outInterface, r.source, r.destination, r.match] {
                if let c = column { for i in 0..<c.count { sum &+= UInt64(c[i]) } }
            }
            if let p = r.packets { precondition(p.lower <= p.upper, "inverted counter interval") }
            precondition(r.position >= 1 || r.isObject, "rule position below 1")
        }
        checksum = sum
    }
}

/// Takes tables from a scanner fed directly.
struct FuzzTableLog: TableReceiver {
    var tables = 0
    mutating func receive(_ table: inout ParsedTable) throws {
        tables += 1
        precondition(table.countedCount <= table.ruleCount, "more rules counted than read")
    }
    mutating func warn(line: Int, _ message: String) throws {}
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCapture(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let formats: [DumpFormat?] = [nil, .listing, .save, .nft, .nftJSON]
    // Every input goes the whole way: parsed as `parse --summary` does and into a history,
    // analyzed, and written as both reports. The variants of each step (a forced format, the
    // JSON scanner fed pieces, an egress CSV, a narrowed filter) are taken in turn, chosen by
    // the input's size, so that each run costs one analysis, not six: the mutations reach all
    // of them, at several times the runs a second.
    let variant = size % 6
    let forced = ParseOptions(format: formats[size % formats.count], strict: size % 7 == 0)

    var summary = Summary()
    _ = try? CaptureParser().parse(bytes: bytes, name: "fuzz", into: &summary)
    switch variant {
    case 0:
        var rules = FuzzRuleSink()
        _ = try? CaptureParser().parse(bytes: bytes, name: "fuzz", into: &rules)
    case 1:
        // A forced format reads every line as one kind of dump, the worst case for its scanner.
        var forcedRules = FuzzRuleSink()
        _ = try? CaptureParser(options: forced).parse(bytes: bytes, name: "fuzz", into: &forcedRules)
    case 2, 3:
        fuzzJSONPieces(data, size, wantsRules: variant == 3)
    default:
        break
    }
    fuzzAnalysis(bytes, forced: forced, variant: size / 6)
    return 0
}

/// The JSON scanner fed lines in small pieces, as it gets lines over 1 MiB.
func fuzzJSONPieces(_ data: UnsafePointer<UInt8>, _ size: Int, wantsRules: Bool) {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let piece = 1 + size % 13
    var scanner = NftJSONScanner(options: ParseOptions(), wantsRules: wantsRules, source: "fuzz")
    var log = FuzzTableLog()
    var start = 0
    var number = 0
    while start < size {
        var end = start
        while end < size && data[end] != ASCII.newline { end += 1 }
        number += 1
        var at = start
        repeat {
            let stop = Swift.min(at + piece, end)
            let line = Line(bytes: ByteSlice(UnsafeRawBufferPointer(rebasing: bytes[at..<stop])), number: number,
                            isFirstPiece: at == start, isLastPiece: stop == end)
            let result = (try? scanner.feed(line, into: &log)) ?? .notMine
            if result == .notMine && at == start {
                // As the parser does: end the section; the line starts the next one if it can.
                try? scanner.finish(into: &log)
                _ = try? scanner.feed(line, into: &log)
            }
            at = stop
        } while at < end
        start = end + 1
    }
    try? scanner.finish(into: &log)
}

/// The path `analyze` takes: the capture into a `CaptureHistory`, the analyzer over it with
/// the capture's own egress (`# egress`, `# tcp`), with a CSV or over a narrowed window, and
/// both reports.
func fuzzAnalysis(_ bytes: UnsafeRawBufferPointer, forced: ParseOptions, variant: Int) {
    var history = CaptureHistory()
    if variant % 4 == 3 {
        _ = try? CaptureParser(options: forced).parse(bytes: bytes, name: "fuzz", into: &history)
        analyzeAndReport(history, egress: nil, filter: AnalysisFilter(), colorNarrow: true)
        return
    }
    _ = try? CaptureParser().parse(bytes: bytes, name: "fuzz", into: &history)
    switch variant % 4 {
    case 0:
        analyzeAndReport(history, egress: nil, filter: AnalysisFilter(), colorNarrow: variant % 8 == 4)
    case 1:
        // A CSV whose rows fall on the snapshots' times, counts taken from the input's bytes.
        let raw = Array(bytes)
        var rows: [EgressSeries.Row] = []
        for (i, s) in history.snapshots.enumerated() {
            guard let time = s.time else { continue }
            let a = raw.isEmpty ? 0 : UInt64(raw[(i &* 7) % raw.count])
            let b = raw.isEmpty ? 0 : UInt64(raw[(i &* 13 &+ 5) % raw.count])
            rows.append(.init(time: time &- Int64(a % 3), sample: EgressSample(ok: Swift.min(a, b), total: Swift.max(a, b))))
        }
        analyzeAndReport(history, egress: EgressSeries(rows: rows), filter: AnalysisFilter(), timeline: true,
                         colorNarrow: variant % 8 == 5)
    default:
        // The input read as an egress CSV; a window and a table taken from the capture, so
        // the filter's edges are reached too.
        let csv = try? EgressSeries.parseCSV(Array(bytes), file: "fuzz.csv")
        let times = history.snapshots.compactMap(\.time)
        var narrowed = AnalysisFilter()
        if times.count >= 2 {
            narrowed.since = times[bytes.count % times.count]
            narrowed.until = times[(bytes.count / 2) % times.count]
        }
        if !history.tables.isEmpty { narrowed.table = history.tables[bytes.count % history.tables.count].name }
        analyzeAndReport(history, egress: csv, filter: narrowed, colorNarrow: variant % 8 == 6)
    }
}

func analyzeAndReport(_ history: CaptureHistory, egress: EgressSeries?, filter: AnalysisFilter, timeline: Bool = false,
                      colorNarrow: Bool = false) {
    let result = Analyzer().analyze(history, egress: egress, filter: filter, timeline: timeline)
    let text = result.text(color: false, width: 80)
    for b in text.utf8 where b < 0x20 && b != ASCII.newline || b == 0x7F {
        preconditionFailure("raw control byte \(b) in the text report")
    }
    if colorNarrow { _ = result.text(color: true, width: 20) }
    let json = result.json()
    var checker = FuzzJSONChecker(Array(json.utf8))
    precondition(checker.document(), "the JSON report is not JSON at byte \(checker.at): \(json)")
}

/// A strict JSON reader that only says whether a document is well-formed (RFC 8259).
struct FuzzJSONChecker {
    let b: [UInt8]
    var at = 0
    var depth = 0
    init(_ bytes: [UInt8]) { b = bytes }

    mutating func document() -> Bool {
        guard value() else { return false }
        space()
        return at == b.count
    }
    mutating func space() {
        while at < b.count, b[at] == 0x20 || b[at] == 0x0A || b[at] == 0x0D || b[at] == 0x09 { at += 1 }
    }
    mutating func eat(_ c: UInt8) -> Bool {
        space()
        guard at < b.count, b[at] == c else { return false }
        at += 1
        return true
    }
    mutating func literal(_ s: String) -> Bool {
        for c in s.utf8 { guard at < b.count, b[at] == c else { return false }; at += 1 }
        return true
    }
    mutating func value() -> Bool {
        space()
        guard at < b.count, depth < 200 else { return false }
        switch b[at] {
        case UInt8(ascii: "{"):
            at += 1; depth += 1; defer { depth -= 1 }
            if eat(UInt8(ascii: "}")) { return true }
            repeat {
                space()
                guard string(), eat(UInt8(ascii: ":")), value() else { return false }
            } while eat(UInt8(ascii: ","))
            return eat(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            at += 1; depth += 1; defer { depth -= 1 }
            if eat(UInt8(ascii: "]")) { return true }
            repeat { guard value() else { return false } } while eat(UInt8(ascii: ","))
            return eat(UInt8(ascii: "]"))
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return number()
        }
    }
    mutating func string() -> Bool {
        guard at < b.count, b[at] == UInt8(ascii: "\"") else { return false }
        at += 1
        while at < b.count {
            let c = b[at]
            at += 1
            if c == UInt8(ascii: "\"") { return true }
            if c < 0x20 { return false }
            if c == UInt8(ascii: "\\") {
                guard at < b.count else { return false }
                let e = b[at]
                at += 1
                if e == UInt8(ascii: "u") {
                    for _ in 0..<4 {
                        guard at < b.count, isHex(b[at]) else { return false }
                        at += 1
                    }
                } else if !"\"\\/bfnrt".utf8.contains(e) { return false }
            }
        }
        return false
    }
    func isHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
    }
    func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    mutating func digits() -> Bool {
        let start = at
        while at < b.count, isDigit(b[at]) { at += 1 }
        return at > start
    }
    mutating func number() -> Bool {
        if at < b.count, b[at] == UInt8(ascii: "-") { at += 1 }
        guard at < b.count else { return false }
        if b[at] == UInt8(ascii: "0") { at += 1 } else { guard digits() else { return false } }
        if at < b.count, b[at] == UInt8(ascii: ".") { at += 1; guard digits() else { return false } }
        if at < b.count, b[at] == UInt8(ascii: "e") || b[at] == UInt8(ascii: "E") {
            at += 1
            if at < b.count, b[at] == UInt8(ascii: "+") || b[at] == UInt8(ascii: "-") { at += 1 }
            guard digits() else { return false }
        }
        return true
    }
}
