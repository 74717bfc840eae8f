import Glibc

/// Carries a parse's sink calls from the parsing thread to the sink's thread, in order.
///
/// Tables travel whole: the `Forwarder` swaps a recycled empty table into the scanner's
/// hands and queues the full one; the sink thread hands it to the sink, empties it and puts
/// it back for reuse, so the buffers are allocated (and their pages touched) once. At most
/// `tablesInFlight` tables wait at a time, which bounds memory; the parser waits beyond that.
///
/// A table travels in a `Slot`, moved in and out of it with `swap`, never copied: a copy
/// left on one thread (a temporary the parser drops only when it next runs, on a busy
/// machine milliseconds later) would make the buffers shared when the other thread empties
/// or fills them, and they would be allocated afresh, 10 MB and their page faults a table
/// on a big node.
final class _HandOff: @unchecked Sendable {
    enum Event {
        case begin(SnapshotHeader)
        case table(Slot)
        case end(SnapshotHeader, partial: Bool)
        case done
    }

    /// Holds one table; only the thread that holds the slot touches it.
    final class Slot: @unchecked Sendable {
        var table = ParsedTable()
    }

    /// Thrown into the parser when the sink has failed: the parse stops there.
    struct SinkFailed: Error {}

    private let lock = _Condition()
    private var events: [Event] = []
    private var next = 0
    private var queuedTables = 0
    private let tablesInFlight: Int
    private var spares: [Slot] = []
    private(set) var failure: Error?

    init(tablesInFlight: Int) {
        self.tablesInFlight = tablesInFlight
    }

    // MARK: - The parsing thread

    /// The sink the parser writes to.
    struct Forwarder: DumpSink {
        let handOff: _HandOff
        let wantsRules: Bool

        mutating func beginSnapshot(_ header: SnapshotHeader) throws { try handOff.put(.begin(header)) }
        mutating func endSnapshot(_ header: SnapshotHeader, partial: Bool) throws {
            try handOff.put(.end(header, partial: partial))
        }
        mutating func table(_ table: ParsedTable) throws {
            let slot = Slot()
            slot.table = table
            try handOff.put(.table(slot))
        }
        mutating func take(_ table: inout ParsedTable) throws {
            let slot = handOff.spare()
            swap(&slot.table, &table)
            try handOff.put(.table(slot))
        }
    }

    func put(_ event: Event) throws {
        try lock.withLock {
            if case .table = event {
                while queuedTables >= tablesInFlight && failure == nil { lock.wait() }
                queuedTables += 1
            }
            if failure != nil { throw SinkFailed() }
            events.append(event)
            lock.signal()
        }
    }

    /// A slot with an empty table whose buffers have been grown before, when one has come back.
    func spare() -> Slot {
        lock.withLock { spares.popLast() } ?? Slot()
    }

    /// No more events: the sink thread ends after the ones queued.
    func finish() {
        lock.withLock {
            events.append(.done)
            lock.signal()
        }
    }

    // MARK: - The sink's thread

    /// Feeds queued events to `sink` until `finish`.
    func drain<S: DumpSink>(into sink: inout S) throws {
        while true {
            switch take() {
            case .begin(let header):
                try sink.beginSnapshot(header)
            case .table(let slot):
                try sink.take(&slot.table)
                slot.table.reset()
                lock.withLock {
                    spares.append(slot)
                    queuedTables -= 1
                    lock.signal()
                }
            case .end(let header, let partial):
                try sink.endSnapshot(header, partial: partial)
            case .done:
                return
            }
        }
    }

    /// Records why the sink stopped and wakes a parser waiting for room.
    func fail(_ error: Error) {
        lock.withLock {
            failure = error
            lock.signal()
        }
    }

    private func take() -> Event {
        lock.withLock {
            while next == events.count { lock.wait() }
            let event = events[next]
            events[next] = .done
            next += 1
            if next == events.count {
                // Everything queued has been taken: start the array over instead of growing it.
                events.removeAll(keepingCapacity: true)
                next = 0
            }
            return event
        }
    }
}

/// A pthread mutex with one condition variable, each at a fixed address.
final class _Condition: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Waits for a signal; call with the lock held, in a loop over the awaited condition.
    func wait() { pthread_cond_wait(condition, mutex) }

    /// Wakes the other side; one waiter at most on each side, so a broadcast costs nothing more.
    func signal() { pthread_cond_broadcast(condition) }
}

/// A thread running one closure, joined once.
final class _Thread: @unchecked Sendable {
    private var thread = pthread_t()
    private var joined = false

    /// `body` runs on the new thread; the caller keeps what it touches alive and untouched until `join`.
    init(_ body: @escaping () -> Void) throws {
        let context = Unmanaged.passRetained(_ThreadBody(body)).toOpaque()
        let status = pthread_create(&thread, nil, { context in
            let body = Unmanaged<_ThreadBody>.fromOpaque(context!).takeRetainedValue()
            body.run()
            return nil
        }, context)
        if status != 0 {
            Unmanaged<_ThreadBody>.fromOpaque(context).release()
            throw CaptureError(Diagnostic(.error, file: "rulewatch", "cannot start a thread: \(String(cString: strerror(status)))"),
                               exitStatus: 71)
        }
    }

    func join() {
        guard !joined else { return }
        joined = true
        pthread_join(thread, nil)
    }
}

private final class _ThreadBody: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
