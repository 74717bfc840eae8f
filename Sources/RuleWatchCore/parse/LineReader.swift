import Glibc

/// Splits a `ByteSource` into lines through one fixed buffer, refilled as it empties.
///
/// A line is lent as a `ByteSlice` into the buffer until the next call. A line longer than
/// the buffer comes in pieces (`Line.isFirstPiece` / `isLastPiece`), so memory stays fixed
/// whatever the input: a 100 MB single-line `nft -j` document reads in 1 MiB pieces.
/// Never rescans bytes that held no newline.
struct LineReader {
    private var source: ByteSource
    private let buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    /// Bytes before `end` already known to hold no newline.
    private var scanned = 0
    private var atEnd = false
    private var inLongLine = false
    private(set) var lineNumber = 0
    /// Bytes handed out so far, for progress.
    private(set) var bytesRead = 0

    static let defaultCapacity = 1 << 20

    init(source: ByteSource, capacity: Int = LineReader.defaultCapacity) {
        self.source = source
        buffer = .allocate(byteCount: Swift.max(capacity, 16), alignment: 16)
    }

    /// Frees the buffer; the reader must not be used after.
    func close() { buffer.deallocate() }

    mutating func next() throws(ReadFailure) -> Line? {
        while true {
            if let base = buffer.baseAddress, scanned < end,
               let hit = memchr(base + scanned, Int32(ASCII.newline), end - scanned) {
                let nl = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                let line = makeLine(from: start, to: nl, last: true, atEnd: false)
                start = nl + 1
                scanned = start
                return line
            }
            scanned = end
            if atEnd {
                guard start < end else { return nil }
                let line = makeLine(from: start, to: end, last: true, atEnd: true)
                start = end
                return line
            }
            if start > 0 {
                // Move the unfinished line to the front to make room.
                let pending = end - start
                if pending > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: pending) }
                end = pending
                scanned = pending
                start = 0
            }
            if end == buffer.count {
                // A line longer than the buffer: hand it on in pieces.
                let piece = makeLine(from: 0, to: end, last: false, atEnd: false)
                start = end
                scanned = end
                return piece
            }
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
            if n == 0 { atEnd = true } else { end += n }
        }
    }

    private mutating func makeLine(from: Int, to: Int, last: Bool, atEnd: Bool) -> Line {
        let first = !inLongLine
        if first { lineNumber += 1 }
        inLongLine = !last
        bytesRead += to - from + (atEnd ? 0 : (last ? 1 : 0))
        let bytes = ByteSlice(UnsafeRawBufferPointer(rebasing: buffer[from..<to]))
        return Line(bytes: bytes, number: lineNumber, isFirstPiece: first, isLastPiece: last,
                    atEndWithoutNewline: atEnd)
    }
}
