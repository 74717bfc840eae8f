import Testing
@testable import RuleWatchCore

@Suite struct LineReaderTests {
    /// Reads `text` through a buffer of `capacity` bytes; returns whole lines, pieces joined.
    func lines(_ text: [UInt8], capacity: Int) throws -> [(String, Int, Bool)] {
        try text.withUnsafeBytes { raw in
            var reader = LineReader(source: .memory(raw, offset: 0), capacity: capacity)
            defer { reader.close() }
            var out: [(String, Int, Bool)] = []
            var pending: [UInt8] = []
            while let line = try reader.next() {
                pending += Array(line.bytes.base)
                if line.isLastPiece {
                    out.append((String(decoding: pending, as: UTF8.self), line.number, line.atEndWithoutNewline))
                    pending = []
                }
            }
            return out
        }
    }

    @Test func splitsAtEveryBufferSize() throws {
        let text = Array("Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n pkts bytes target\n\n  234 14040 REDIRECT\nlast".utf8)
        let expected = try lines(text, capacity: 4096)
        #expect(expected.map(\.0) == ["Chain INPUT (policy ACCEPT 0 packets, 0 bytes)", " pkts bytes target", "", "  234 14040 REDIRECT", "last"])
        #expect(expected.last!.2 == true)
        for capacity in 16...80 {
            let got = try lines(text, capacity: capacity)
            #expect(got.map(\.0) == expected.map(\.0), "capacity \(capacity)")
            #expect(got.map(\.1) == [1, 2, 3, 4, 5])
        }
    }

    @Test func longLinesComeInPiecesWithinTheBuffer() throws {
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 10_000)
        let text = long + [10] + Array("next\n".utf8)
        try text.withUnsafeBytes { raw in
            var reader = LineReader(source: .memory(raw, offset: 0), capacity: 1024)
            defer { reader.close() }
            var pieces = 0
            while let line = try reader.next(), line.number == 1 {
                #expect(line.bytes.count <= 1024)
                pieces += 1
                if line.isLastPiece { break }
            }
            #expect(pieces == 10)
            let next = try reader.next()
            #expect(next?.bytes.string == "next" && next?.number == 2)
        }
    }
}
