// libFuzzer target over the whole capture parser; built by `run.sh` together with the
// library's sources, as one module, so it may also drive a scanner directly.

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

    // The whole parser, as `parse --summary` and as the commands that keep rules use it.
    var summary = Summary()
    _ = try? CaptureParser().parse(bytes: bytes, name: "fuzz", into: &summary)
    var rules = FuzzRuleSink()
    _ = try? CaptureParser().parse(bytes: bytes, name: "fuzz", into: &rules)
    // A forced format reads every line as one kind of dump, the worst case for its scanner.
    let forced = ParseOptions(format: formats[size % formats.count], strict: size % 7 == 0)
    var forcedRules = FuzzRuleSink()
    _ = try? CaptureParser(options: forced).parse(bytes: bytes, name: "fuzz", into: &forcedRules)

    // The JSON scanner fed lines in small pieces, as it gets lines over 1 MiB.
    let piece = 1 + size % 13
    for wantsRules in [false, true] {
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
    return 0
}
