/// Adding a snapshot's samples: the history keeps what changed (see `chunks`).
///
/// Two ways in. `appendSnapshot(_:samples:)` takes every sample a snapshot showed, changed
/// or not, and finds what changed itself: the parser's path. `appendSnapshot(_:changed:vanished:)`
/// takes only what changed, for a store that keeps only that (`RuleStore.history` rebuilds
/// from its change blobs this way). Both give the same history, so the same `RuleSeries`.
/// Rules must already be in `rules` (see `addRule`). The public face of the second is
/// `appendChangedSnapshot` below.
extension CaptureHistory {
    /// Adds `snapshot` (its `index` must be `snapshots.count`) with every sample it showed.
    ///
    /// - Parameter samples: one per rule shown (two or more for a rule shown that often), in
    ///   capture order, whether or not the counters changed since the snapshot before.
    /// - Complexity: O(samples), and O(rules) more when a rule the snapshot before showed is
    ///   missing.
    mutating func appendSnapshot(_ snapshot: HistorySnapshot, samples: _SampleChunk) {
        snapshots.append(snapshot)
        keepChanges(of: samples)
    }

    /// Adds `snapshot` (its `index` must be `snapshots.count`) from what changed since the
    /// snapshot before.
    ///
    /// - Parameters:
    ///   - changed: in capture order, the samples that differ from their rule's previous
    ///     sample; every sample of a rule the snapshot before did not show (it appeared, or
    ///     came back); and every sample of a rule shown more than once in this snapshot. An
    ///     unchanged sample given anyway is kept as given (it costs memory, not correctness).
    ///   - vanished: the rules the snapshot before showed that this one does not.
    ///
    ///   Every other rule the snapshot before showed was shown again with the same counters.
    /// - Complexity: O(changed + vanished): unchanged rules are not visited.
    mutating func appendSnapshot(_ snapshot: HistorySnapshot, changed: _SampleChunk, vanished: [Int32]) {
        snapshots.append(snapshot)
        let s = Int32(chunks.count)
        var last = lastSamples
        lastSamples = _LastSamples()
        last.grow(to: rules.count)
        // Moved out, so that emptying it keeps its buffers (a second holder would make
        // `removeAll` allocate them afresh, and their pages be touched again).
        var kept = last.scratch
        last.scratch = _SampleChunk()
        kept.removeAll()
        for i in 0..<changed.count {
            let r = changed.rule(i)
            if last.markedAt[r] != s {
                last.markedAt[r] = s
                if !last.present[r] {
                    last.present[r] = true
                    last.presentCount += 1
                }
            }
            keep(changed, i, rule: r, snapshot: s, into: &kept, last: &last)
        }
        var gone: [UInt32] = []
        gone.reserveCapacity(vanished.count)
        for rule in vanished {
            let r = Int(rule)
            precondition(last.markedAt[r] != s, "rule \(r) both vanished and shown in snapshot \(s)")
            if last.present[r] {
                last.present[r] = false
                last.presentCount -= 1
                gone.append(UInt32(r))
            }
        }
        gone.sort()
        chunks.append(_KeptChunk(kept, vanished: gone, writer: &sampleWriter))
        last.scratch = kept
        lastSamples = last
    }

    /// Keeps of `full`, the samples of snapshot `chunks.count`, what changed.
    mutating func keepChanges(of full: _SampleChunk) {
        let s = Int32(chunks.count)
        // Out of `self` while it is changed, so that writing it never copies it.
        var last = lastSamples
        lastSamples = _LastSamples()
        last.grow(to: rules.count)
        // Moved out, so that emptying it keeps its buffers (a second holder would make
        // `removeAll` allocate them afresh, and their pages be touched again).
        var kept = last.scratch
        last.scratch = _SampleChunk()
        kept.removeAll()
        var shown = 0
        var carried = 0
        for i in 0..<full.count {
            let r = full.rule(i)
            if last.markedAt[r] == s {
                // Shown again in this snapshot: all its samples here are kept, the first too
                // if it was left out as unchanged.
                if last.keptAt[r] != s { keepLast(r, into: &kept, last: last) }
            } else {
                last.markedAt[r] = s
                shown += 1
                if last.present[r] {
                    carried += 1
                    if same(full, i, asLastOf: r, last) { continue }
                } else {
                    last.present[r] = true
                }
            }
            keep(full, i, rule: r, snapshot: s, into: &kept, last: &last)
        }
        var vanished: [UInt32] = []
        if carried < last.presentCount {
            for r in 0..<last.present.count where last.present[r] && last.markedAt[r] != s {
                last.present[r] = false
                vanished.append(UInt32(r))
            }
        }
        last.presentCount = shown
        chunks.append(_KeptChunk(kept, vanished: vanished, writer: &sampleWriter))
        last.scratch = kept
        lastSamples = last
    }

    @inline(__always)
    private func keep(_ samples: _SampleChunk, _ i: Int, rule r: Int, snapshot s: Int32,
                      into kept: inout _SampleChunk, last: inout _LastSamples) {
        let (flags, counters) = samples.raw(i)
        last.keptAt[r] = s
        last.flags[r] = flags
        last.counters[r] = flags & _SampleChunk.isAbbreviated == 0 ? counters : SIMD2(UInt64(s), UInt64(kept.count))
        kept.append(samples, i)
    }

    /// Whether sample `i` of `samples` is the same as rule `r`'s last.
    @inline(__always)
    private func same(_ samples: _SampleChunk, _ i: Int, asLastOf r: Int, _ last: _LastSamples) -> Bool {
        let (flags, counters) = samples.raw(i)
        guard flags == last.flags[r] else { return false }
        if _fastPath(flags & _SampleChunk.isAbbreviated == 0) { return counters == last.counters[r] }
        let at = last.counters[r]
        let before = chunks[Int(at[0])].sample(Int(at[1]))
        let now = samples.sample(i)
        return before.packets == now.packets && before.bytes == now.bytes
    }

    /// Appends rule `r`'s last sample, kept in an earlier snapshot.
    private func keepLast(_ r: Int, into kept: inout _SampleChunk, last: _LastSamples) {
        let flags = last.flags[r]
        if flags & _SampleChunk.isAbbreviated == 0 {
            kept.append(rule: r, flags: flags, counters: last.counters[r])
        } else {
            let at = last.counters[r]
            kept.append(chunks[Int(at[0])], Int(at[1]))
        }
    }

    /// What the kept samples take, in bytes (their arrays' capacity): the part of a history
    /// that grows with the capture.
    public var sampleBytes: Int {
        chunks.reduce(0) { $0 + $1.allocatedBytes + MemoryLayout<_KeptChunk>.stride }
    }

    /// How many samples the history keeps: those that changed, appeared, or repeat a rule in
    /// one snapshot.
    public var keptSampleCount: Int { chunks.reduce(0) { $0 + $1.count } }
}

// MARK: - API

extension CaptureHistory {
    /// Appends a snapshot from what changed since the snapshot before, as a store that keeps
    /// only changed samples holds it: `fill` appends them and names the rules that vanished.
    /// Every other rule the snapshot before showed is taken as shown again, unchanged.
    ///
    /// ```swift
    /// history.appendChangedSnapshot(time: t, source: "node-1", egress: nil, tables: [nat]) { changes in
    ///     changes.append(rule: climbing, packets: .exact(120), bytes: .exact(7200))
    ///     changes.vanish(rule: deleted)
    /// }
    /// ```
    /// - Parameters:
    ///   - tables: indices of the tables it showed.
    ///   - tcp: its `# tcp` readings.
    ///   - changeCount: how many samples `fill` will append, when known (room is made once).
    /// - Complexity: O(changes): rules that sat still are not visited.
    public mutating func appendChangedSnapshot(time: Int64?, source: String, line: Int = 0, egress: EgressSample?,
                                               tcp: [TCPReading] = [], partial: Bool = false, tables shown: [Int],
                                               changeCount: Int = 0, _ fill: (inout ChangedSamples) -> Void) {
        var s = HistorySnapshot(index: snapshots.count, time: time, source: source, line: line, egress: egress, tcp: tcp)
        s.partial = partial
        s.tables = shown
        var changes = ChangedSamples()
        changes.chunk.reserveCapacity(changeCount)
        fill(&changes)
        appendSnapshot(s, changed: changes.chunk, vanished: changes.vanished)
    }

    /// Lends, snapshot by snapshot through `range`, every sample each showed, changed or not:
    /// what a store reads out of a parsed history. Within a snapshot rules come in `rules`
    /// order; a rule shown more than once gives each sample, in capture order. `packets` is
    /// `nil` for a rule dumped without counters.
    /// - Complexity: O(rules) a snapshot, plus O(changes) before `range` to find where it opens.
    public func forEachShownSample(in range: Range<Int>,
                                   _ body: (_ snapshot: Int, _ rule: Int, _ packets: Counter?, _ bytes: Counter?) -> Void) {
        var reader = ShownSamples(self)
        for s in range.clamped(to: 0..<chunks.count) {
            reader.forEach(in: self, snapshot: s) { r, p, b in body(s, r, p, b) }
        }
    }
}

/// Reads a history's snapshots in order, lending every sample each showed, changed or not,
/// without going back to the start for each (as `forEachShownSample` would if called per
/// snapshot): a store writing a long capture one snapshot per transaction reads through one.
public struct ShownSamples {
    /// Per rule, its last kept sample (snapshot, index) while shown, (-1, -1) when not.
    private var at: [SIMD2<Int32>]
    /// The snapshot `at` stands at, and its rules shown more than once (their samples).
    private var current = -1
    private var repeated: [Int: [Int]] = [:]

    public init(_ history: CaptureHistory) {
        at = [SIMD2<Int32>](repeating: SIMD2(-1, -1), count: history.rules.count)
    }

    /// Lends snapshot `s`'s samples: rules in `rules` order, a rule shown more than once
    /// giving each sample in capture order, `packets == nil` for a rule dumped without
    /// counters. `s` may not be below the last snapshot read (it may be the same one again).
    /// - Complexity: O(rules), plus O(changes) of the snapshots stepped over.
    public mutating func forEach(in history: CaptureHistory, snapshot s: Int,
                                 _ body: (_ rule: Int, _ packets: Counter?, _ bytes: Counter?) -> Void) {
        precondition(s >= current, "ShownSamples reads forward only")
        if at.count < history.rules.count { at += repeatElement(SIMD2(-1, -1), count: history.rules.count - at.count) }
        while current < s {
            current += 1
            repeated = [:]
            let chunk = history.chunks[current]
            for i in 0..<chunk.count {
                let r = chunk.rule(i)
                if at[r][0] == Int32(current) { repeated[r, default: [Int(at[r][1])]].append(i) }
                at[r] = SIMD2(Int32(current), Int32(i))
            }
            for r in chunk.vanished { at[Int(r)] = SIMD2(-1, -1) }
        }
        func lend(_ r: Int, _ sample: (hasCounters: Bool, packets: Counter, bytes: Counter)) {
            if sample.hasCounters { body(r, sample.packets, sample.bytes) } else { body(r, nil, nil) }
        }
        for r in 0..<history.rules.count where at[r][0] >= 0 {
            if let all = repeated[r] {
                for i in all { lend(r, history.chunks[s].sample(i)) }
            } else {
                lend(r, history.chunks[Int(at[r][0])].sample(Int(at[r][1])))
            }
        }
    }
}

/// What `CaptureHistory.appendChangedSnapshot` takes a snapshot from.
public struct ChangedSamples {
    var chunk = _SampleChunk()
    var vanished: [Int32] = []

    /// A rule's counters in this snapshot, in capture order: every rule whose counters
    /// differ from its previous sample, every rule the snapshot before did not show (it
    /// appeared, or came back), and each sample of a rule this snapshot shows more than once.
    /// An unchanged sample may be given too. `packets == nil`: dumped without counters.
    @inline(__always)
    public mutating func append(rule: Int, packets: Counter?, bytes: Counter?) {
        chunk.append(rule: Int32(truncatingIfNeeded: rule), packets: packets, bytes: bytes)
    }

    /// A rule the snapshot before showed that this one does not.
    public mutating func vanish(rule: Int) {
        vanished.append(Int32(truncatingIfNeeded: rule))
    }
}

extension CaptureHistory {
    /// Per snapshot of `range`, how many of the rules `counted` accepts it showed.
    /// - Complexity: O(changes) up to `range.upperBound`: a rule that sits still is never
    ///   visited, so a detector can ask this of a day of snapshots.
    func shownRuleCounts(in range: Range<Int>, counted: [Bool]) -> [Int] {
        let range = range.clamped(to: 0..<chunks.count)
        var shown = [Bool](repeating: false, count: rules.count)
        var n = 0
        var out: [Int] = []
        out.reserveCapacity(range.count)
        for s in 0..<range.upperBound {
            let chunk = chunks[s]
            // A kept sample is a rule shown here; a vanished one was shown before and is not now.
            for i in 0..<chunk.count where !shown[chunk.rule(i)] {
                shown[chunk.rule(i)] = true
                if counted[chunk.rule(i)] { n += 1 }
            }
            for r in chunk.vanished where shown[Int(r)] {
                shown[Int(r)] = false
                if counted[Int(r)] { n -= 1 }
            }
            if s >= range.lowerBound { out.append(n) }
        }
        return out
    }

    /// The distinct rules snapshot `s` showed, in rule order.
    func shownRules(at s: Int) -> [Int] {
        var out: [Int] = []
        forEachShownSample(in: s..<s + 1) { _, rule, _, _ in
            if out.last != rule { out.append(rule) }
        }
        return out
    }
}
