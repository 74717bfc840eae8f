import Testing
@testable import RuleWatchCore

/// The word-at-a-time byte classes the listing scanner splits columns with, against the
/// byte-at-a-time definitions they replace.
@Suite struct ColumnScanTests {
    @Test func atMostFlagsExactlyTheBytesAtOrBelow() {
        var wrong: [String] = []
        for c: UInt8 in [0x00, 0x08, 0x1F, 0x20, 0x7E] {
            for value in 0...255 {
                for position in 0..<8 {
                    // The byte under test among neighbours, one just above `c` below it: a carry
                    // out of a byte would flag the next one.
                    var bytes = [UInt8](repeating: 0xFF, count: 8)
                    bytes[position] = UInt8(value)
                    if position > 0 { bytes[position - 1] = c &+ 1 }
                    let word = bytes.withUnsafeBytes { ByteWord.load($0.baseAddress!, 0) }
                    let mask = ByteWord.atMost(word, c)
                    let expected = (0..<8).reduce(UInt64(0)) { m, k in bytes[k] <= c ? m | 0x80 << UInt64(8 * k) : m }
                    if mask != expected { wrong.append("c=\(c) bytes=\(bytes)") }
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }

    /// Lines of every length, and runs across many 8-byte words, of the bytes the scanner must
    /// tell apart: spaces, tabs and CRs (blanks), other control bytes, NUL and bytes above 0x7F.
    @Test func fieldsMatchTheBytewiseSplit() {
        var rng = SplitMix64(seed: 0x5EED)
        let alphabet: [UInt8] = [0x20, 0x20, 0x20, 0x09, 0x0D, 0x00, 0x01, 0x1F, 0x21, 0x41, 0x7F, 0x80, 0xFF, 0x30]
        var wrong: [[UInt8]] = []
        for round in 0..<4000 {
            var line: [UInt8]
            if round % 2 == 0 {
                line = (0..<Int.random(in: 0...200, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            } else {
                // Runs across many words, as a listing's padding and long names make them.
                line = []
                while line.count < 200 {
                    line += [UInt8](repeating: alphabet.randomElement(using: &rng)!, count: Int.random(in: 1...70, using: &rng))
                }
            }
            let count = line.count
            // Past `count` the buffer holds more bytes, which must not be read as the line's.
            let buffer = line + [0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41]
            buffer.withUnsafeBytes { raw in
                var i = 0
                var expected = 0
                while true {
                    var start = expected
                    while start < count, ASCII.isBlank(line[start]) { start += 1 }
                    var end = start
                    while end < count, !ASCII.isBlank(line[end]) { end += 1 }
                    let skipped = _ListingRuleLine.firstNonBlank(raw, from: i, to: count)
                    let field = _ListingRuleLine.field(raw, &i, count)
                    if skipped != start || field != start..<end || i != end {
                        wrong.append(line)
                        break
                    }
                    expected = end
                    if start == count { break }
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(3))")
    }

    @Test func firstNonBlankMatchesTheBytewiseSkip() {
        var rng = SplitMix64(seed: 0xB1A7)
        let alphabet: [UInt8] = [0x20, 0x20, 0x20, 0x20, 0x09, 0x0D, 0x00, 0x41]
        var wrong: [String] = []
        for _ in 0..<4000 {
            let count = Int.random(in: 0...40, using: &rng)
            let line = (0..<count).map { _ in alphabet.randomElement(using: &rng)! }
            let from = Int.random(in: 0...count, using: &rng)
            var expected = from
            while expected < count, ASCII.isBlank(line[expected]) { expected += 1 }
            let found = line.withUnsafeBytes { _ListingRuleLine.firstNonBlank($0, from: from, to: count) }
            if found != expected { wrong.append("\(line) from \(from)") }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(3))")
    }
}
