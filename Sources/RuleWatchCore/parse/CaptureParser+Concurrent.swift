import Glibc

extension CaptureParser {
    /// Parses like `parse(files:into:)`, but feeds the sink on a second thread.
    ///
    /// Reading and scanning a dump and ingesting its tables (`analyze`'s identity matching
    /// and counter samples) cost about the same; on two cores they overlap. Whole tables go
    /// from the parser to the sink thread through `_HandOff`, swapped out rather than copied,
    /// at most two at a time, and come back empty for the scanners to fill again. The sink
    /// sees the same calls in the same order as `parse` makes them; warnings and progress
    /// stay on the calling thread.
    ///
    /// A sink that only counts (`wantsRules == false`) gains nothing and is fed in line.
    public func parseConcurrently<S: DumpSink>(files: [String], into sink: inout S) throws {
        guard sink.wantsRules else { return try parse(files: files, into: &sink) }
        try handingOff(to: &sink) { forwarder in try parse(files: files, into: &forwarder) }
    }

    /// `parseConcurrently` over a capture held in memory.
    public func parseConcurrently<S: DumpSink>(bytes: [UInt8], name: String, into sink: inout S) throws {
        guard sink.wantsRules else { return try parse(bytes: bytes, name: name, into: &sink) }
        try handingOff(to: &sink) { forwarder in try parse(bytes: bytes, name: name, into: &forwarder) }
    }

    private func handingOff<S: DumpSink>(to sink: inout S, _ produce: (inout _HandOff.Forwarder) throws -> Void) throws {
        let handOff = _HandOff(tablesInFlight: 2)
        try withUnsafeMutablePointer(to: &sink) { target in
            let box = _SinkBox(target)
            let consumer = try _Thread {
                do {
                    try handOff.drain(into: &box.pointer.pointee)
                } catch {
                    handOff.fail(error)
                }
            }
            var forwarder = _HandOff.Forwarder(handOff: handOff, wantsRules: box.pointer.pointee.wantsRules)
            var produced: Error?
            do { try produce(&forwarder) } catch { produced = error }
            handOff.finish()
            consumer.join()
            // The sink's own error comes first: the parser only stopped because of it.
            if let failure = handOff.failure { throw failure }
            if let produced { throw produced }
        }
    }
}

/// The sink, lent to the thread that feeds it while the caller waits in `join`.
private final class _SinkBox<S>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<S>
    init(_ pointer: UnsafeMutablePointer<S>) { self.pointer = pointer }
}
