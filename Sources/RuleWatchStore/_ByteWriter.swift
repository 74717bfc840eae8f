/// Appends varints and raw bytes: the store's blobs (sample changes, per-source state).
struct _ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    @inline(__always)
    mutating func varint(_ value: Int) { varint(UInt64(truncatingIfNeeded: value)) }

    /// A signed difference, zigzag-encoded so that small ones of either sign stay short.
    @inline(__always)
    mutating func signed(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) { bytes.append(b) }
}

/// Reads what `_ByteWriter` wrote; a blob cut short or malformed reads as an error, never a crash.
struct _ByteReader {
    let bytes: [UInt8]
    var at = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { at >= bytes.count }

    @inline(__always)
    mutating func varint() throws(StoreError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard at < bytes.count, shift < 64 else { throw StoreError.corrupt("a stored blob ends early") }
            let b = bytes[at]
            at += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    @inline(__always)
    mutating func int() throws(StoreError) -> Int { Int(truncatingIfNeeded: try varint()) }

    @inline(__always)
    mutating func signed() throws(StoreError) -> Int64 {
        let v = try varint()
        return Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1)
    }

    @inline(__always)
    mutating func byte() throws(StoreError) -> UInt8 {
        guard at < bytes.count else { throw StoreError.corrupt("a stored blob ends early") }
        defer { at += 1 }
        return bytes[at]
    }
}
