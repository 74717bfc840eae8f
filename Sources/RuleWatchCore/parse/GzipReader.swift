import CZlib
import Glibc

/// Inflates a `.gz` file (or several gzip members one after another, as `cat a.gz b.gz`
/// makes) as it is read, through zlib.
final class GzipReader {
    private let fd: Int32
    private var stream = z_stream()
    private let input: UnsafeMutableRawBufferPointer
    private var finished = false

    /// - Parameter head: bytes already read from `fd` (a pipe's first bytes, read to see
    ///   whether it is gzip at all): inflated before the rest.
    init(fd: Int32, head: [UInt8] = []) throws(ReadFailure) {
        self.fd = fd
        input = .allocate(byteCount: 64 * 1024, alignment: 16)
        // 15 + 32: the largest window, and accept a gzip (or zlib) header.
        let status = inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        if status != Z_OK {
            input.deallocate()
            throw ReadFailure(message: "cannot start zlib (\(status))")
        }
        if !head.isEmpty {
            input.copyBytes(from: head)
            stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = UInt32(head.count)
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    /// Fills `buffer` with inflated bytes; 0 at the end of the last member.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ReadFailure) -> Int {
        if finished { return 0 }
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(buffer.count)
        while stream.avail_out > 0 {
            if stream.avail_in == 0 {
                let n = try Syscall.read(fd, into: input)
                if n == 0 {
                    // The input ended: cleanly between members, or inside one (a cut-off
                    // file, which a killed cron run leaves: keep what came, say so).
                    cutOff = inMember
                    finished = true
                    break
                }
                stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = UInt32(n)
            }
            inMember = true
            let status = inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                // Another member may follow; start over on it.
                inMember = false
                inflateReset(&stream)
            default:
                let why = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                throw ReadFailure(message: "corrupt gzip data: \(why)")
            }
        }
        return buffer.count - Int(stream.avail_out)
    }

    private var inMember = false
    /// The input ended inside a gzip member.
    private(set) var cutOff = false

    /// A gzip file starts with 0x1f 0x8b.
    static func looksCompressed(_ fd: Int32) -> Bool {
        var magic: (UInt8, UInt8) = (0, 0)
        let n = withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress, 2, 0) }
        return n == 2 && magic.0 == 0x1f && magic.1 == 0x8b
    }

    /// Whether `head`, a stream's first bytes, is gzip's magic.
    static func isMagic(_ head: [UInt8]) -> Bool { head.count >= 2 && head[0] == 0x1f && head[1] == 0x8b }
}
