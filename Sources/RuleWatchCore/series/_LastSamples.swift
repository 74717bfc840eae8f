/// Per rule, what a `CaptureHistory` needs to keep the next snapshot's samples only where
/// they changed: whether the last snapshot showed the rule, and its last sample.
struct _LastSamples {
    /// Shown by the last snapshot kept.
    var present: [Bool] = []
    /// Its last sample's flags (`_SampleChunk.uncounted`, `.isAbbreviated`).
    var flags: [UInt32] = []
    /// Its last sample's exact counters; for an abbreviated sample, the snapshot and index in
    /// `CaptureHistory.chunks` where it is kept (abbreviated samples are compared there).
    var counters: [SIMD2<UInt64>] = []
    /// The last snapshot that gave a sample of the rule, and the last that kept one: a second
    /// sample in one snapshot is seen by the first, and needs the first kept beside it.
    var markedAt: [Int32] = []
    var keptAt: [Int32] = []
    /// How many rules the last snapshot showed: when as many were shown again, none vanished,
    /// and the rules need not be scanned.
    var presentCount = 0
    /// Where a snapshot's changes are gathered before they are kept in arrays of their size.
    var scratch = _SampleChunk()

    /// Makes room for rules added since the last snapshot.
    mutating func grow(to count: Int) {
        let more = count - present.count
        guard more > 0 else { return }
        present.append(contentsOf: repeatElement(false, count: more))
        flags.append(contentsOf: repeatElement(0, count: more))
        counters.append(contentsOf: repeatElement(SIMD2(0, 0), count: more))
        markedAt.append(contentsOf: repeatElement(-1, count: more))
        keptAt.append(contentsOf: repeatElement(-1, count: more))
    }
}
