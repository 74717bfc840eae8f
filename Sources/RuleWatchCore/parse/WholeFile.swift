import Glibc

/// Reads a small file whole: an egress CSV, a config file. Captures are never read this way.
public enum WholeFile {
    /// - Throws: `CaptureError` with status 66 when the file cannot be opened, 74 when a read fails.
    public static func read(_ path: String) throws -> [UInt8] {
        let fd: Int32
        switch Syscall.openForReading(path) {
        case .success(let opened): fd = opened
        case .failure(let failure):
            throw CaptureError(Diagnostic(.error, file: path, failure.message), exitStatus: 66)
        }
        defer { close(fd) }
        if Syscall.isDirectory(fd) {
            throw CaptureError(Diagnostic(.error, file: path, "Is a directory"), exitStatus: 66)
        }
        var out: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let n: Int
            do { n = try Syscall.read(fd, into: chunk) } catch {
                throw CaptureError(Diagnostic(.error, file: path, error.message), exitStatus: 74)
            }
            if n == 0 { return out }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        }
    }
}
