import Glibc

/// A thread of the probe's own, outside Swift's thread pool: it may enter another network
/// namespace (`setns` moves only the calling thread) without any task ever running there.
enum _Thread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts `body` on a new detached thread; false (with `errno` set) when it cannot.
    static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        if rc != 0 {
            Unmanaged<Body>.fromOpaque(context).release()
            errno = rc
            return false
        }
        pthread_detach(thread)
        return true
    }
}
