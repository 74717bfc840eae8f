import Foundation
import Testing
@testable import RuleWatchCore

/// An nft rule's statement stored word at a time (`_PlainStatement`, `storePlainStatement`)
/// against the byte-at-a-time definitions: runs of blanks outside quotes made one space, the
/// anonymous counter's values taken out.
@Suite struct PlainStatementTests {
    @Test func aboveFlagsExactlyTheBytesAbove() {
        var wrong: [String] = []
        for c: UInt8 in [0x00, 0x1F, 0x7A, 0x7E] {
            for value in 0...255 {
                for position in 0..<8 {
                    // Neighbours just above `c`: a carry out of a byte would flag the next one.
                    var bytes = [UInt8](repeating: c &+ 1, count: 8)
                    bytes[position] = UInt8(value)
                    let word = bytes.withUnsafeBytes { ByteWord.load($0.baseAddress!, 0) }
                    let expected = (0..<8).reduce(UInt64(0)) { m, k in bytes[k] > c ? m | 0x80 << UInt64(8 * k) : m }
                    if ByteWord.above(word, c) != expected { wrong.append("c=\(c) bytes=\(bytes)") }
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }

    /// Every length up to several words, with the bytes the copy must tell apart; the buffer
    /// goes on past the piece with spaces, which must not be read as the piece's, and the
    /// destination holds junk that must not show through.
    @Test func copiesCollapseAndRefuseAsTheBytewiseReading() {
        var rng = SplitMix64(seed: 0x57A7)
        let alphabet: [UInt8] = Array("  a1.".utf8) + [0x09, 0x22, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F, 0x80, 0x0D, 0x00]
        var wrong: [[UInt8]] = []
        for round in 0..<20_000 {
            let n = round % 41
            // Mostly plain pieces, as real rules are, so that runs of spaces get collapsed.
            let rare = round % 3 == 0
            let piece = (0..<n).map { _ in rare ? alphabet.randomElement(using: &rng)! : alphabet[Int.random(in: 0..<5, using: &rng)] }
            let buffer = [0x20, 0x20] + piece + [UInt8](repeating: 0x20, count: 8)
            var expected: [UInt8]? = []
            for c in piece {
                if c < 0x20 || c == 0x22 || c > 0x7A {
                    expected = nil
                    break
                }
                if c == 0x20, expected?.last == 0x20 { continue }
                expected?.append(c)
            }
            var out = [UInt8](repeating: 0x20, count: n + _PlainStatement.slack)
            let written = buffer.withUnsafeBytes { raw in
                out.withUnsafeMutableBytes { to in
                    _PlainStatement.copyCollapsed(ByteSlice(UnsafeRawBufferPointer(rebasing: raw[2..<(2 + n)])),
                                                  to: to.baseAddress!)
                }
            }
            if written.map({ Array(out[..<$0]) }) != expected { wrong.append(piece) }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(3))")
    }

    /// Whole rules through the nft text scanner: what it stores for each, whichever path the
    /// line takes, is the statement collapsed byte by byte.
    @Test func storedStatementsAreCollapsedAsTheBytewiseReading() throws {
        var rng = SplitMix64(seed: 0xC011)
        let words = ["ip", "saddr", "10.0.0.1", "tcp", "dport", "443", "meta", "l4proto", "jump", "KUBE-SVC-ABCDEFGH",
                     "mark", "or", "0x4000", "\"a  b\"", "comment", "|", "~", "\u{e9}t\u{e9}"]
        let blanks = [" ", " ", " ", "  ", "   ", "\t", " \t ", "         "]
        var statements: [String] = []
        for _ in 0..<3000 {
            // Opening with a match keyword, as nft prints every rule.
            var s = words[3 * Int.random(in: 0...2, using: &rng)]
            for k in 1..<Int.random(in: 1...14, using: &rng) {
                s += blanks.randomElement(using: &rng)!
                s += words.randomElement(using: &rng)!
                if k == 2, Bool.random(using: &rng) { s += " counter packets 12 bytes 3456" }
            }
            statements.append(s)
        }
        let dump = "table ip t {\n\tchain c {\n" + statements.map { "\t\t\($0)\n" }.joined() + "\t}\n}\n"
        var sink = CollectingSink()
        try CaptureParser().parse(bytes: Array(dump.utf8), name: "plain", into: &sink)
        let stored = sink.snapshots.flatMap(\.rules).map(\.text)
        let expected = statements.map(Self.collapsed)
        #expect(stored.count == expected.count)
        let wrong = zip(stored, expected).filter { $0 != $1 }
        #expect(wrong.isEmpty, "\(wrong.prefix(3))")
    }

    /// The reference: counter values out, runs of blanks outside quotes one space.
    static func collapsed(_ statement: String) -> String {
        let s = statement.replacingOccurrences(of: "counter packets 12 bytes 3456", with: "counter")
        var out = ""
        var quoted = false
        var inBlanks = false
        for c in s {
            if c == "\"" { quoted.toggle() }
            if !quoted, c == " " || c == "\t" {
                if !inBlanks { out.append(" ") }
                inBlanks = true
                continue
            }
            inBlanks = false
            out.append(c)
        }
        return out
    }
}
