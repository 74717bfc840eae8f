import RuleWatchCore

/// The rules a snapshot brought into the store, as one zlib blob (`rule_batch.rules`).
///
/// A kube node's 33,000 rule texts and canonical forms are 11 MB as columns, more than a
/// day of its changed samples; written together they deflate about tenfold, since rules
/// of one chain differ in an address or a hash. Rules are only ever added, in number order,
/// so a batch holds the rules `first..<first + count`.
struct _RuleBatch {
    struct Rule: Sendable {
        var key: UInt64
        var table: Int64
        var chain: Int64
        var target: String
        var targetClass: TargetClass
        var text: String
        var canonical: String
        var format: DumpFormat
        var occurrence: Int
        var isPolicy: Bool
        /// Nanoseconds: the snapshot that first showed it.
        var firstTime: Int64
        var firstPosition: Int
        var ruleID: String { CaptureHistory.ruleID(key: key) }
    }

    static let classes: [TargetClass] = [.divert, .discard, .accept, .jump, .other]
    static let formats: [DumpFormat] = DumpFormat.allCases

    static func encode(_ rules: [Rule]) -> [UInt8] {
        var w = _ByteWriter(capacity: rules.count * 200)
        w.varint(rules.count)
        for r in rules {
            var k = r.key
            for _ in 0..<8 {
                w.byte(UInt8(truncatingIfNeeded: k))
                k >>= 8
            }
            w.varint(UInt64(bitPattern: r.table))
            w.varint(UInt64(bitPattern: r.chain))
            w.byte(UInt8(classes.firstIndex(of: r.targetClass) ?? 4))
            w.byte(UInt8(formats.firstIndex(of: r.format) ?? 0))
            w.varint(r.occurrence)
            w.byte(r.isPolicy ? 1 : 0)
            w.signed(r.firstTime)
            w.varint(r.firstPosition)
            for s in [r.target, r.text, r.canonical] {
                w.varint(s.utf8.count)
                w.bytes.append(contentsOf: s.utf8)
            }
        }
        return _ChangeBlob.pack(w.bytes)
    }

    static func decode(_ blob: [UInt8]) throws(StoreError) -> [Rule] {
        var r = _ByteReader(try _ChangeBlob.unpack(blob))
        let n = try r.int()
        guard n >= 0, n < 1 << 28 else { throw StoreError.corrupt("a rule batch of \(n) rules") }
        var out: [Rule] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            var k: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 8) { k |= UInt64(try r.byte()) << UInt64(shift) }
            let table = Int64(bitPattern: try r.varint())
            let chain = Int64(bitPattern: try r.varint())
            let c = Int(try r.byte()), f = Int(try r.byte())
            guard c < classes.count, f < formats.count else { throw StoreError.corrupt("a rule of unknown class or format") }
            let occurrence = try r.int()
            let isPolicy = try r.byte() != 0
            let firstTime = try r.signed()
            let firstPosition = try r.int()
            var texts: [String] = []
            for _ in 0..<3 {
                let length = try r.int()
                guard length >= 0, r.at + length <= r.bytes.count else { throw StoreError.corrupt("a rule text runs past its batch") }
                texts.append(String(decoding: r.bytes[r.at..<(r.at + length)], as: UTF8.self))
                r.at += length
            }
            out.append(Rule(key: k, table: table, chain: chain, target: texts[0], targetClass: classes[c], text: texts[1],
                            canonical: texts[2], format: formats[f], occurrence: occurrence, isPolicy: isPolicy,
                            firstTime: firstTime, firstPosition: firstPosition))
        }
        return out
    }
}
