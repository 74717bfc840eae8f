import Glibc

/// Keeps glibc's heap from growing with the length of a capture.
///
/// glibc serves a buffer above its mmap threshold (128 KiB) from a mapping of its own, and
/// raises the threshold to the size of any such buffer freed: after the first big buffer
/// goes, the parser's table buffers (megabytes, grown with `realloc`) come from the heap,
/// where they move as they grow and leave holes that the history's small, lasting pieces
/// pin. The heap then grew by about half a megabyte a snapshot: `analyze` over 100 snapshots
/// of the 33,000-rule node peaked at 143 MiB although the history kept 13 MB of samples.
/// Setting the threshold fixes it, so big buffers keep mappings of their own and go back
/// to the system when freed; the same run peaks at 86 MiB, in the same CPU time.
public enum HeapTuning {
    /// Buffers from 256 KiB up get mappings of their own, for the rest of the process.
    /// Call it once, early, in a process that reads long captures or a stored history.
    public static func keepLargeBuffersMapped() {
        // `mallopt` is in <malloc.h>, which the Glibc module does not bring in.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let M_MMAP_THRESHOLD: Int32 = -3
        _ = mallopt(M_MMAP_THRESHOLD, 256 << 10)
    }
}
