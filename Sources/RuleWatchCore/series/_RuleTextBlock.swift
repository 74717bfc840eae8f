/// A block of rule texts: `HistoryRule`s point into it and make a `String` only when asked.
///
/// A capture's 33,000 rules as three `String`s each were 100,000 allocations to make and
/// free and a fifth of the analyzer's memory. Blocks are filled front to back and never
/// move, so a rule's bytes stay put while later rules are written behind them; only the
/// `CaptureHistory` whose `_RuleTextWriter` is its own writes (see `CaptureHistory.storeTexts`).
final class _RuleTextBlock: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let capacity: Int

    /// Below malloc's threshold for `mmap`, so blocks come from the heap.
    static let size = 64 << 10

    init(capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(capacity, 1), alignment: 8)
    }

    deinit { base.deallocate() }

    func string(at offset: Int32, count: Int32) -> String {
        String(decoding: UnsafeRawBufferPointer(start: base + Int(offset), count: Int(count)), as: UTF8.self)
    }
}
