/// A copy of one short line, kept to recognise the same line when it comes again.
struct _RememberedLine {
    private var storage: [UInt8] = []

    /// Whether `line` holds the remembered bytes; never true before the first `remember`.
    func matches(_ line: ByteSlice) -> Bool {
        guard !storage.isEmpty, storage.count == line.count else { return false }
        return storage.withUnsafeBytes { ByteSlice($0) == line }
    }

    mutating func remember(_ line: ByteSlice) {
        storage.removeAll(keepingCapacity: true)
        storage.append(contentsOf: line.base)
    }
}
