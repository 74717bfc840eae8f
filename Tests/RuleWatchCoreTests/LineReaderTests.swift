import Foundation
import Glibc
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

    // MARK: - Mapped files

    /// Lines of varied lengths, some longer than the small buffers below, the last without
    /// a newline.
    static func mixedText(bytes: Int) -> [UInt8] {
        var text: [UInt8] = []
        var seed: UInt64 = 7
        while text.count < bytes {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let length = Int(seed >> 59) == 0 ? 200 + Int(seed >> 40) % 300 : Int(seed >> 33) % 70
            text += (0..<length).map { UInt8(ascii: "a") + UInt8(($0 + Int(seed & 7)) % 26) }
            text.append(10)
        }
        text += Array("no newline at the end".utf8)
        return text
    }

    /// Every line and piece as (bytes, number, first, last, atEnd).
    func pieces(_ reader: inout LineReader) throws -> [([UInt8], Int, Bool, Bool, Bool)] {
        var out: [([UInt8], Int, Bool, Bool, Bool)] = []
        while let line = try reader.next() {
            out.append((Array(line.bytes.base), line.number, line.isFirstPiece, line.isLastPiece, line.atEndWithoutNewline))
        }
        return out
    }

    func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "rulewatch-linereader-\(getpid())-\(UInt32.random(in: 0 ... .max)).txt"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aMappedFileGivesTheSameLinesAndPiecesAsReadingIt() throws {
        let text = Self.mixedText(bytes: 150_000)
        let path = try temporaryFile(text)
        defer { unlink(path) }
        let page = Int(_BusErrorGuard.pageSize)
        for capacity in [16, 64, 257, 4096] {
            let expected = try text.withUnsafeBytes { raw in
                var reader = LineReader(source: .memory(raw, offset: 0), capacity: capacity)
                defer { reader.close() }
                return try pieces(&reader)
            }
            // Windows of one buffer and a page (the least), and bigger: every line start
            // falls somewhere in a window, many cross a window's end.
            for window in [capacity + page, 3 * page + 5, 16 * page] where window >= capacity + page {
                let fd = open(path, O_RDONLY)
                defer { Glibc.close(fd) }
                var reader = LineReader(source: .descriptor(fd), capacity: capacity, mappedSize: text.count, windowSize: window)
                defer { reader.close() }
                let got = try pieces(&reader)
                #expect(got.count == expected.count, "capacity \(capacity), window \(window)")
                for (g, e) in zip(got, expected) where g.0 != e.0 || g.1 != e.1 || g.2 != e.2 || g.3 != e.3 || g.4 != e.4 {
                    Issue.record("capacity \(capacity), window \(window): line \(e.1) differs")
                    break
                }
            }
        }
    }

    @Test func whatIsAppendedAfterMappingIsReadToo() throws {
        let text = Self.mixedText(bytes: 40_000)
        let path = try temporaryFile(text)
        defer { unlink(path) }
        let fd = open(path, O_RDWR)
        defer { Glibc.close(fd) }
        var reader = LineReader(source: .descriptor(fd), capacity: 1024, mappedSize: text.count, windowSize: 8192)
        defer { reader.close() }
        // A cron job appends the next snapshot while the capture is read.
        let more = Array("\nappended 1\nappended 2\n".utf8)
        #expect(pwrite(fd, more, more.count, off_t(text.count)) == more.count)
        let got = try pieces(&reader).filter(\.3).map { String(decoding: $0.0, as: UTF8.self) }
        #expect(got.suffix(3) == ["no newline at the end", "appended 1", "appended 2"])
    }

    @Test func aFileCutShortWhileMappedIsAReadErrorNotACrash() throws {
        let text = Self.mixedText(bytes: 200_000)
        let path = try temporaryFile(text)
        defer { unlink(path) }
        let fd = open(path, O_RDWR)
        defer { Glibc.close(fd) }
        var reader = LineReader(source: .descriptor(fd), capacity: 1024, mappedSize: text.count, windowSize: 64 << 10)
        defer { reader.close() }
        _ = try reader.next()
        // logrotate's copytruncate empties the file under the reader.
        #expect(ftruncate(fd, 100) == 0)
        let failure = #expect(throws: ReadFailure.self) {
            while try reader.next() != nil {}
        }
        // The vanished pages were caught (SIGBUS), not a mapping that failed.
        #expect(failure?.message.contains("cut short") == true, "\(String(describing: failure))")
    }
}
