import Glibc

/// A read-only window onto a regular file, mapped rather than copied out with `read(2)`.
///
/// The kernel's copy into a read buffer was a sixth of `parse --summary`'s time; a mapped
/// window hands the page cache's own pages to the scanners. The window slides: `move(to:)`
/// maps the next stretch starting at the page that holds the line being read, so a line that
/// crosses the window's end is whole in the next one and nothing is stitched. Windows are
/// unmapped as they go, so the process holds one window of the file, not all of it.
///
/// A file cut short while it is read (logrotate's copytruncate) would raise SIGBUS on the
/// vanished pages; `_BusErrorGuard` maps a page of zeros there instead and marks the window,
/// and `move(to:)`/`close()` throw, so the reader fails like a failed `read` (exit 74).
final class _MappedWindow {
    /// Files smaller than this are read; mapping pays only for more than a few buffers.
    static let minimumFileSize = 4 << 20
    static let defaultSize = 2 << 20

    let fd: Int32
    /// The file's size when it was opened: only so much is mapped; what is appended after
    /// is read with `read(2)` once the window reaches here.
    let fileSize: Int
    private let size: Int
    /// The window's first byte in the file (a page boundary).
    private(set) var offset = 0
    private(set) var base: UnsafeRawPointer
    private(set) var count = 0
    private var slot: Int

    /// Maps the start of `fd`; `nil` when mapping fails (the caller reads instead).
    init?(fd: Int32, fileSize: Int, size: Int = _MappedWindow.defaultSize) {
        self.fd = fd
        self.fileSize = fileSize
        self.size = size
        guard let (base, count) = Self.map(fd, offset: 0, count: Swift.min(size, fileSize)) else { return nil }
        guard let slot = _BusErrorGuard.register(base, count: count) else {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
            return nil
        }
        self.base = base
        self.count = count
        self.slot = slot
    }

    deinit { _ = release() }

    /// The window reaches the end of what was mapped.
    var atMappedEnd: Bool { offset + count >= fileSize }

    /// Maps the window that starts at the page holding `fileOffset`.
    ///
    /// - Returns: the new window's offset in the file.
    func move(to fileOffset: Int) throws(ReadFailure) -> Int {
        try checkAndRelease()
        let page = Int(_BusErrorGuard.pageSize)
        let start = fileOffset - fileOffset % page
        guard let (base, count) = Self.map(fd, offset: start, count: Swift.min(size, fileSize - start)) else {
            throw ReadFailure(message: String(cString: strerror(errno)))
        }
        guard let slot = _BusErrorGuard.register(base, count: count) else {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
            throw ReadFailure(message: "too many files mapped at once")
        }
        self.base = base
        self.count = count
        self.slot = slot
        offset = start
        return start
    }

    /// Unmaps the window; throws if the file shrank under it.
    func close() throws(ReadFailure) {
        try checkAndRelease()
    }

    private func checkAndRelease() throws(ReadFailure) {
        if release() {
            throw ReadFailure(message: "the file was cut short while it was read (truncated by log rotation?)")
        }
    }

    /// Unmaps the window, once; whether a page of it had vanished.
    private func release() -> Bool {
        guard slot >= 0 else { return false }
        let faulted = _BusErrorGuard.unregister(slot)
        munmap(UnsafeMutableRawPointer(mutating: base), count)
        slot = -1
        return faulted
    }

    private static func map(_ fd: Int32, offset: Int, count: Int) -> (UnsafeRawPointer, Int)? {
        guard count > 0 else { return nil }
        // MAP_POPULATE maps every page of the window in one call instead of a fault for each.
        let p = mmap(nil, count, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, off_t(offset))
        guard let p, p != MAP_FAILED else { return nil }
        _ = madvise(p, count, MADV_SEQUENTIAL)
        return (UnsafeRawPointer(p), count)
    }
}
