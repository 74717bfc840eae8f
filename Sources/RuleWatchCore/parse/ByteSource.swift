import Glibc

/// Where a capture's bytes come from: a file descriptor (a file, standard input, a pipe),
/// a gzip stream over one, or memory (tests, the fuzzer, benchmarks).
enum ByteSource {
    case descriptor(Int32)
    /// A descriptor whose first bytes were already read (to look for gzip's magic).
    case descriptorAfter([UInt8], Int32)
    case gzip(GzipReader)
    case memory(UnsafeRawBufferPointer, offset: Int)

    /// Fills `buffer` from the start; returns how many bytes came, 0 at the end.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(ReadFailure) -> Int {
        switch self {
        case .descriptor(let fd):
            return try Syscall.read(fd, into: buffer)
        case .descriptorAfter(let head, let fd):
            let n = Swift.min(buffer.count, head.count)
            buffer.copyBytes(from: head.prefix(n))
            self = n == head.count ? .descriptor(fd) : .descriptorAfter(Array(head.dropFirst(n)), fd)
            return n
        case .gzip(let reader):
            return try reader.read(into: buffer)
        case .memory(let bytes, let offset):
            let n = Swift.min(buffer.count, bytes.count - offset)
            if n > 0 {
                buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
                self = .memory(bytes, offset: offset + n)
            }
            return n
        }
    }
}

/// A read that failed: the message is strerror's or zlib's.
struct ReadFailure: Error {
    var message: String
}

/// Glibc calls, each wrapped once.
enum Syscall {
    /// `read(2)`, retried on `EINTR`.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(ReadFailure) -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw ReadFailure(message: String(cString: strerror(errno)))
        }
    }

    /// Up to `count` bytes from the start of a stream (a pipe may give them one at a
    /// time); fewer only at its end.
    static func readHead(_ fd: Int32, count: Int) throws(ReadFailure) -> [UInt8] {
        let head = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        defer { head.deallocate() }
        var got = 0
        while got < count {
            let n = try read(fd, into: UnsafeMutableRawBufferPointer(rebasing: head[got...]))
            if n == 0 { break }
            got += n
        }
        return Array(head.prefix(got))
    }

    /// `open(2)` read-only; on failure the error is strerror's text (`No such file or directory`).
    static func openForReading(_ path: String) -> Result<Int32, ReadFailure> {
        while true {
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { return .success(fd) }
            if errno == EINTR { continue }
            return .failure(ReadFailure(message: String(cString: strerror(errno))))
        }
    }

    static func isDirectory(_ fd: Int32) -> Bool {
        var st = stat()
        return fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func fileSize(_ fd: Int32) -> Int? {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(st.st_size)
    }
}
