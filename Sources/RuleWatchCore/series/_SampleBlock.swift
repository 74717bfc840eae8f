import Glibc

/// Address space the kept samples of many snapshots are written into, front to back, and
/// never moved: 4 bytes of rule and flags and 16 of counters a sample.
///
/// Mapped directly rather than taken from malloc. A history keeps a little of every
/// snapshot; kept in arrays of their own, those pieces landed between the big buffers the
/// parser frees and takes again, and the heap grew with each snapshot (analyze over 100
/// snapshots peaked at 150 MiB for 13 MB of samples). A block's pages are touched, so
/// counted, only as samples fill them.
final class _SampleBlock: @unchecked Sendable {
    let rules: UnsafeMutablePointer<UInt32>
    let counters: UnsafeMutablePointer<SIMD2<UInt64>>
    let capacity: Int
    private let base: UnsafeMutableRawPointer
    private let size: Int

    /// 262,144 samples, 5 MiB of address space: a few minutes of a 33,000-rule node that
    /// changes as much as it can, hours of one that changes 5% a minute.
    static let samples = 1 << 18

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        size = (capacity * 20 + page - 1) / page * page
        let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let mapped, mapped != MAP_FAILED else { fatalError("out of memory: mmap of \(size) bytes failed") }
        base = mapped
        counters = base.bindMemory(to: SIMD2<UInt64>.self, capacity: capacity)
        rules = (base + capacity * 16).bindMemory(to: UInt32.self, capacity: capacity)
    }

    deinit { munmap(base, size) }
}

/// The block a `CaptureHistory` writes kept samples into and how full it is. A class, so
/// that a copy of the history shares it and either copy can tell (`isKnownUniquelyReferenced`)
/// that it must start a block of its own before writing (as `_RuleTextWriter` does).
final class _SampleWriter {
    let block: _SampleBlock
    /// Changed only by the history that alone holds the writer, so unchecked.
    @exclusivity(unchecked) var used = 0

    init(capacity: Int) { block = _SampleBlock(capacity: capacity) }
}
