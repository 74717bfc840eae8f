import CZlib
import RuleWatchCore

/// One snapshot's changes against the snapshot before it, as one compact blob: the rules
/// that appeared and vanished, and the counters of the rules whose counters changed.
///
/// Rule numbers rise within each list and are written as varint differences (5% of a
/// 33,000-rule node changing each minute are about 20 apart: one byte); counters as the
/// zigzag varint of their difference from the rule's last counters (a few bytes). A tag per
/// sample only when the snapshot has abbreviated (`445K`) or uncounted samples. zlib when it
/// pays. The per-row overhead of SQLite is paid once per snapshot, not per sample.
enum _ChangeBlob {
    /// The blob's first byte.
    static let plain: UInt8 = 1
    static let deflated: UInt8 = 2

    /// Tag bits: the packet counter's abbreviation steps (0 exact, 1...4 K...T, 7 raw), the
    /// byte counter's, and uncounted.
    static let raw: UInt8 = 7
    static let uncountedBit: UInt8 = 1 << 6

    struct Sample {
        var rule: Int
        var packets: Counter?
        var bytes: Counter?
    }

    /// Encodes the changes and applies them to `state`.
    /// - Parameters: rules in each list in ascending order.
    static func encode(appeared: [Int], vanished: [Int], samples: [Sample], into state: inout _CounterState) -> [UInt8] {
        var w = _ByteWriter(capacity: 16 + appeared.count * 2 + vanished.count * 2 + samples.count * 10)
        var tags = [UInt8]()
        tags.reserveCapacity(samples.count)
        var mixed = false
        for s in samples {
            let t = tag(s)
            tags.append(t)
            if t != 0 { mixed = true }
        }
        w.byte(mixed ? 1 : 0)
        writeRules(appeared, &w)
        writeRules(vanished, &w)
        for r in appeared { state.alive[r] = true }
        for r in vanished { state.alive[r] = false }
        w.varint(samples.count)
        var last = -1
        for (s, t) in zip(samples, tags) {
            if mixed { w.byte(t) }
            w.varint(s.rule - last - 1)
            last = s.rule
            if t & uncountedBit != 0 {
                state.uncounted[s.rule] = true
                continue
            }
            let p = s.packets ?? .exact(0)
            let b = s.bytes ?? .exact(0)
            writeCounter(p, steps: t & 7, previous: state.packets[s.rule], &w)
            writeCounter(b, steps: (t >> 3) & 7, previous: state.bytes[s.rule], &w)
            state.uncounted[s.rule] = false
            state.packets[s.rule] = p
            state.bytes[s.rule] = b
        }
        return pack(w.bytes)
    }

    /// Applies a blob to `state`; `appeared` and `vanished` hear the rules it shows anew and
    /// no longer (each list in rule order), `changed` each sample's rule (in rule order) after
    /// it is applied.
    static func decode(_ blob: [UInt8], into state: inout _CounterState, appeared: (Int) -> Void = { _ in },
                       vanished: (Int) -> Void = { _ in }, changed: (Int) -> Void = { _ in }) throws(StoreError) {
        var r = _ByteReader(try unpack(blob))
        let mixed = try r.byte() & 1 != 0
        let n = state.count
        for value in [true, false] {
            let k = try r.int()
            var rule = -1
            for _ in 0..<k {
                rule += try r.int() + 1
                guard rule >= 0, rule < n else { throw StoreError.corrupt("a snapshot names rule \(rule) of \(n)") }
                state.alive[rule] = value
                if value { appeared(rule) } else { vanished(rule) }
            }
        }
        let k = try r.int()
        var rule = -1
        for _ in 0..<k {
            let t = mixed ? try r.byte() : 0
            rule += try r.int() + 1
            guard rule >= 0, rule < n else { throw StoreError.corrupt("a snapshot names rule \(rule) of \(n)") }
            if t & uncountedBit != 0 {
                state.uncounted[rule] = true
            } else {
                state.packets[rule] = try readCounter(steps: t & 7, previous: state.packets[rule], &r)
                state.bytes[rule] = try readCounter(steps: (t >> 3) & 7, previous: state.bytes[rule], &r)
                state.uncounted[rule] = false
            }
            changed(rule)
        }
    }

    /// The whole of `state` as changes from nothing: the base a pruned store starts from.
    static func base(of state: _CounterState) -> [UInt8] {
        var empty = _CounterState()
        empty.grow(to: state.count)
        var appeared: [Int] = []
        var samples: [Sample] = []
        for r in 0..<state.count {
            if state.alive[r] { appeared.append(r) }
            if !empty.same(r, packets: state.uncounted[r] ? nil : state.packets[r], bytes: state.bytes[r]) {
                samples.append(Sample(rule: r, packets: state.uncounted[r] ? nil : state.packets[r], bytes: state.bytes[r]))
            }
        }
        return encode(appeared: appeared, vanished: [], samples: samples, into: &empty)
    }

    private static func writeRules(_ rules: [Int], _ w: inout _ByteWriter) {
        w.varint(rules.count)
        var last = -1
        for r in rules {
            w.varint(r - last - 1)
            last = r
        }
    }

    static func tag(_ s: Sample) -> UInt8 {
        guard let p = s.packets else { return uncountedBit }
        return steps(p) | steps(s.bytes ?? .exact(0)) << 3
    }

    /// 0 for an exact count, the unit steps of an abbreviated one that `Counter.abbreviated`
    /// gives back from its printed value, else `raw`.
    @inline(__always)
    static func steps(_ c: Counter) -> UInt8 {
        if c.lower == c.upper, c.printed == c.lower { return 0 }
        var unit: UInt64 = 1
        for s in 1...4 {
            unit *= 1000
            if c.printed % unit == 0, Counter.abbreviated(c.printed / unit, steps: s) == c { return UInt8(s) }
        }
        return raw
    }

    @inline(__always)
    private static func writeCounter(_ c: Counter, steps: UInt8, previous: Counter, _ w: inout _ByteWriter) {
        if steps == raw {
            w.varint(c.lower)
            w.varint(c.upper)
            w.varint(c.printed)
        } else {
            w.signed(Int64(bitPattern: c.printed &- previous.printed))
        }
    }

    @inline(__always)
    private static func readCounter(steps: UInt8, previous: Counter, _ r: inout _ByteReader) throws(StoreError) -> Counter {
        if steps == raw {
            return Counter(lower: try r.varint(), upper: try r.varint(), printed: try r.varint())
        }
        let printed = previous.printed &+ UInt64(bitPattern: try r.signed())
        if steps == 0 { return .exact(printed) }
        guard steps <= 4 else { throw StoreError.corrupt("a sample has unit steps \(steps)") }
        var unit: UInt64 = 1
        for _ in 0..<steps { unit *= 1000 }
        guard let c = Counter.abbreviated(printed / unit, steps: Int(steps)) else {
            throw StoreError.corrupt("a sample's abbreviated count \(printed) does not read back")
        }
        return c
    }

    /// zlib when it saves at least an eighth.
    static func pack(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 64 else { return [plain] + bytes }
        var bound = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(bound) + 11)
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in
                compress2(o.baseAddress! + 11, &bound, i.baseAddress!, uLong(i.count), 6)
            }
        }
        guard status == Z_OK, Int(bound) + 11 < bytes.count - bytes.count / 8 else { return [plain] + bytes }
        var header = _ByteWriter()
        header.byte(deflated)
        header.varint(bytes.count)
        let h = header.bytes.count
        // The header goes right before the deflated bytes.
        out.replaceSubrange((11 - h)..<11, with: header.bytes)
        return Array(out[(11 - h)..<(11 + Int(bound))])
    }

    static func unpack(_ blob: [UInt8]) throws(StoreError) -> [UInt8] {
        guard let first = blob.first else { throw StoreError.corrupt("an empty snapshot blob") }
        if first == plain { return Array(blob.dropFirst()) }
        guard first == deflated else { throw StoreError.corrupt("a snapshot blob of unknown kind \(first)") }
        var r = _ByteReader(blob)
        r.at = 1
        let length = try r.int()
        guard length >= 0, length < 1 << 31 else { throw StoreError.corrupt("a snapshot blob of \(length) bytes") }
        var out = [UInt8](repeating: 0, count: length)
        var produced = uLong(length)
        let start = r.at
        let status = out.withUnsafeMutableBufferPointer { o in
            blob.withUnsafeBufferPointer { i in
                uncompress(o.baseAddress!, &produced, i.baseAddress! + start, uLong(i.count - start))
            }
        }
        guard status == Z_OK, Int(produced) == length else { throw StoreError.corrupt("a snapshot blob does not inflate") }
        return out
    }
}
