import RuleWatchCore

/// A snapshot's `# tcp` readings (each namespace's TCP counters) as one small varint blob.
enum _TCPBlob {
    static func encode(_ readings: [TCPReading]) -> [UInt8] {
        var w = _ByteWriter(capacity: readings.count * 24)
        w.varint(readings.count)
        for r in readings {
            w.varint(r.namespace.utf8.count)
            w.bytes.append(contentsOf: r.namespace.utf8)
            for v in [r.active, r.fails, r.synRetrans, r.rsts, r.refused] { w.varint(v) }
        }
        return w.bytes
    }

    static func decode(_ blob: [UInt8]) throws(StoreError) -> [TCPReading] {
        var r = _ByteReader(blob)
        let n = try r.int()
        guard n >= 0, n < 1 << 20 else { throw StoreError.corrupt("a snapshot with \(n) TCP readings") }
        var out: [TCPReading] = []
        for _ in 0..<n {
            let length = try r.int()
            guard length >= 0, r.at + length <= blob.count else { throw StoreError.corrupt("a TCP reading runs past its blob") }
            let namespace = String(decoding: blob[r.at..<(r.at + length)], as: UTF8.self)
            r.at += length
            let active = try r.varint(), fails = try r.varint(), synRetrans = try r.varint(), rsts = try r.varint()
            let refused = try r.varint()
            out.append(TCPReading(namespace: namespace, active: active, fails: fails, synRetrans: synRetrans, rsts: rsts,
                                  refused: refused))
        }
        return out
    }
}
