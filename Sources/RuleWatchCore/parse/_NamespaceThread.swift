import Glibc

/// Runs a closure on a thread of its own that first enters a network namespace, then ends:
/// the only safe way to be in another namespace for a moment, since `setns(2)` moves the
/// calling thread alone and a thread that goes back to a pool would stay there.
///
/// `setns` is looked up at run time: Glibc declares it only under `_GNU_SOURCE`, which the
/// Swift overlay does not set.
enum _NamespaceThread {
    private typealias SetNS = @convention(c) (Int32, Int32) -> Int32
    private static let cloneNewNet: Int32 = 0x4000_0000

    private final class Job {
        let fd: Int32
        let body: () -> TCPNamespaceReader.TCPCounters?
        var result: TCPNamespaceReader.TCPCounters??
        init(fd: Int32, body: @escaping () -> TCPNamespaceReader.TCPCounters?) {
            self.fd = fd
            self.body = body
        }
    }

    /// `nil` when the thread could not be made or could not enter the namespace.
    static func run(in fd: Int32, _ body: @escaping () -> TCPNamespaceReader.TCPCounters?)
        -> TCPNamespaceReader.TCPCounters?? {
        guard let handle = dlopen(nil, RTLD_NOW), dlsym(handle, "setns") != nil else { return nil }
        let job = Job(fd: fd, body: body)
        let context = Unmanaged.passRetained(job).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            let job = Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue()
            // Looked up again here rather than captured: a C function pointer cannot capture.
            guard let h = dlopen(nil, RTLD_NOW), let s = dlsym(h, "setns") else { return nil }
            let setns = unsafeBitCast(s, to: SetNS.self)
            if setns(job.fd, _NamespaceThread.cloneNewNet) == 0 { job.result = .some(job.body()) }
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<Job>.fromOpaque(context).release()
            return nil
        }
        pthread_join(thread, nil)
        return job.result
    }
}
