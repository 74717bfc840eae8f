import Glibc

/// Splits a `ByteSource` into lines through one fixed buffer, refilled as it empties.
///
/// A line is lent as a `ByteSlice` into the buffer until the next call. A line longer than
/// the buffer comes in pieces (`Line.isFirstPiece` / `isLastPiece`), so memory stays fixed
/// whatever the input: a 100 MB single-line `nft -j` document reads in 1 MiB pieces.
/// Never rescans bytes that held no newline. A big regular file is mapped instead of read
/// (`_MappedWindow`), and its lines are lent from the mapping.
struct LineReader {
    private var source: ByteSource
    private let buffer: UnsafeMutableRawBufferPointer
    /// A regular file's mapped window, while lines are read from it; then `buffer`.
    private var window: _MappedWindow?
    /// Where `start`, `end` and `scanned` count from: the window's first byte, or `buffer`'s.
    private var base: UnsafeRawPointer
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

    /// - Parameter mappedSize: the size of the regular file `source` reads, to map it window
    ///   by window (`_MappedWindow`) instead of reading it. Lines come the same either way,
    ///   pieces of long lines included.
    init(source: ByteSource, capacity: Int = LineReader.defaultCapacity, mappedSize: Int? = nil,
         windowSize: Int = _MappedWindow.defaultSize) {
        self.source = source
        buffer = .allocate(byteCount: Swift.max(capacity, 16), alignment: 16)
        base = UnsafeRawPointer(buffer.baseAddress!)
        if case .descriptor(let fd) = source, let mappedSize,
           // A window must hold a whole buffer's worth of line past the page it starts at.
           windowSize >= buffer.count + Int(_BusErrorGuard.pageSize),
           let window = _MappedWindow(fd: fd, fileSize: mappedSize, size: windowSize) {
            self.window = window
            base = window.base
            end = window.count
        }
    }

    /// Frees the buffer and unmaps the window; the reader must not be used after.
    func close() {
        buffer.deallocate()
        if let window { try? window.close() }
    }

    mutating func next() throws(ReadFailure) -> Line? {
        while true {
            // A line longer than the buffer comes in pieces of the buffer's size, read or mapped.
            let limit = Swift.min(end, start + buffer.count)
            if scanned < limit, let hit = memchr(base + scanned, Int32(ASCII.newline), limit - scanned) {
                let nl = UnsafeRawPointer(hit) - base
                let line = makeLine(from: start, to: nl, last: true, atEnd: false)
                start = nl + 1
                scanned = start
                return line
            }
            scanned = limit
            if atEnd, end - start <= buffer.count {
                guard start < end else { return nil }
                let line = makeLine(from: start, to: end, last: true, atEnd: true)
                start = end
                return line
            }
            if limit - start == buffer.count {
                let piece = makeLine(from: start, to: limit, last: false, atEnd: false)
                start = limit
                scanned = limit
                return piece
            }
            if window != nil {
                try slideWindow()
            } else {
                try refill()
            }
        }
    }

    /// Reads more into the buffer, the unfinished line moved to its front first.
    private mutating func refill() throws(ReadFailure) {
        if start > 0 {
            let pending = end - start
            if pending > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: pending) }
            end = pending
            scanned = pending
            start = 0
        }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
        if n == 0 { atEnd = true } else { end += n }
    }

    /// Maps the next window from the unfinished line's page on; past what was mapped, goes
    /// on with `read` (a file that grew since it was opened).
    private mutating func slideWindow() throws(ReadFailure) {
        guard let window else { return }
        if window.atMappedEnd {
            let pending = end - start
            if pending > 0 { buffer.baseAddress!.copyMemory(from: base + start, byteCount: pending) }
            let resume = window.offset + end
            self.window = nil
            try window.close()
            guard case .descriptor(let fd) = source, lseek(fd, off_t(resume), SEEK_SET) >= 0 else {
                throw ReadFailure(message: String(cString: strerror(errno)))
            }
            base = UnsafeRawPointer(buffer.baseAddress!)
            end = pending
            scanned = pending
            start = 0
            return
        }
        let old = window.offset
        let new = try window.move(to: old + start)
        let shift = new - old
        base = window.base
        start -= shift
        scanned -= shift
        end = window.count
    }

    private mutating func makeLine(from: Int, to: Int, last: Bool, atEnd: Bool) -> Line {
        let first = !inLongLine
        if first { lineNumber += 1 }
        inLongLine = !last
        bytesRead += to - from + (atEnd ? 0 : (last ? 1 : 0))
        let bytes = ByteSlice(UnsafeRawBufferPointer(start: base + from, count: to - from))
        return Line(bytes: bytes, number: lineNumber, isFirstPiece: first, isLastPiece: last,
                    atEndWithoutNewline: atEnd)
    }
}
