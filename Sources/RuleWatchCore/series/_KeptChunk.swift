/// What a `CaptureHistory` keeps of one snapshot: the samples that changed (see
/// `CaptureHistory.chunks`), in capture order, in a `_SampleBlock`; and the rules that
/// vanished.
struct _KeptChunk: Sendable {
    private let block: _SampleBlock?
    private let start: Int
    let count: Int
    /// The abbreviated samples' counters, two per sample (`_SampleChunk.isAbbreviated`).
    private let abbreviated: [Counter]
    /// The rules the snapshot before showed that this one did not, ascending.
    let vanished: [UInt32]

    /// Copies `samples` into `writer`'s block (a new block, and writer, when there is none,
    /// it has no room, or a copy of the history shares it).
    init(_ samples: _SampleChunk, vanished: [UInt32], writer: inout _SampleWriter?) {
        let n = samples.count
        count = n
        if n == 0 {
            block = nil
            start = 0
        } else {
            if !isKnownUniquelyReferenced(&writer) || writer!.used + n > writer!.block.capacity {
                writer = _SampleWriter(capacity: Swift.max(n, _SampleBlock.samples))
            }
            let into = writer!.block
            let at = writer!.used
            samples.rules.withUnsafeBufferPointer { into.rules.advanced(by: at).update(from: $0.baseAddress!, count: n) }
            samples.counters.withUnsafeBufferPointer { into.counters.advanced(by: at).update(from: $0.baseAddress!, count: n) }
            writer!.used += n
            block = into
            start = at
        }
        // A copy of its size: the gathering chunk's array has room to spare, and is reused.
        let pairs = samples.abbreviated
        abbreviated = pairs.isEmpty ? [] : [Counter](unsafeUninitializedCapacity: pairs.count) { buffer, n in
            for (k, c) in pairs.enumerated() { buffer.initializeElement(at: k, to: c) }
            n = pairs.count
        }
        self.vanished = vanished
    }

    /// Sample `i`'s rule and flags.
    @inline(__always)
    func word(_ i: Int) -> UInt32 { block.unsafelyUnwrapped.rules[start + i] }

    /// The rule of sample `i`.
    @inline(__always)
    func rule(_ i: Int) -> Int { Int(word(i) & _SampleChunk.ruleMask) }

    /// Sample `i`'s flags and exact counters, or where its abbreviated pair is.
    @inline(__always)
    func raw(_ i: Int) -> (flags: UInt32, counters: SIMD2<UInt64>) {
        (word(i) & _SampleChunk.flagMask, block.unsafelyUnwrapped.counters[start + i])
    }

    /// Sample `i`'s counters.
    @inline(__always)
    func sample(_ i: Int) -> (hasCounters: Bool, packets: Counter, bytes: Counter) {
        let (flags, c) = raw(i)
        if flags & _SampleChunk.isAbbreviated != 0 {
            let k = Int(c[0])
            return (true, abbreviated[k], abbreviated[k + 1])
        }
        return (flags & _SampleChunk.uncounted == 0, .exact(c[0]), .exact(c[1]))
    }

    /// The bytes it holds: 20 a sample in its block, and its arrays' capacity.
    var allocatedBytes: Int {
        count * 20 + abbreviated.capacity * MemoryLayout<Counter>.stride + vanished.capacity * 4
    }
}
