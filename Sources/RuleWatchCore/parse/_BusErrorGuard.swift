import Glibc

/// Turns SIGBUS on a mapped capture window into a marked window instead of a crash.
///
/// Reading a page of a mapping that lies beyond the file's end (the file was truncated after
/// it was mapped) raises SIGBUS. The handler looks the address up among the registered
/// windows; if it is in one, it maps a page of zeros over it, so the read goes on and sees
/// NULs, and marks the window, which its reader turns into a read error. A SIGBUS anywhere
/// else goes to the handler that was there before (the Swift runtime's, or the default).
enum _BusErrorGuard {
    static let slotCount = 64
    /// Per slot: start address, end address, faulted (0 or 1). Written under `lock`; read by
    /// the handler, which only ever reads words that a finished write left there.
    nonisolated(unsafe) private static let slots: UnsafeMutablePointer<UInt> = {
        let p = UnsafeMutablePointer<UInt>.allocate(capacity: slotCount * 3)
        p.initialize(repeating: 0, count: slotCount * 3)
        return p
    }()
    nonisolated(unsafe) private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()
    nonisolated(unsafe) private static var previous = sigaction()
    nonisolated(unsafe) private static var installed = false
    static let pageSize = UInt(sysconf(Int32(_SC_PAGESIZE)))

    /// Registers a mapped window; `nil` when every slot is taken (the caller reads instead).
    static func register(_ base: UnsafeRawPointer, count: Int) -> Int? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if !installed {
            installed = true
            _ = pageSize
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = handler
            action.sa_flags = SA_SIGINFO
            sigemptyset(&action.sa_mask)
            sigaction(SIGBUS, &action, &previous)
        }
        for i in 0..<slotCount where slots[3 * i] == 0 {
            slots[3 * i + 2] = 0
            slots[3 * i + 1] = UInt(bitPattern: base) + UInt(count)
            slots[3 * i] = UInt(bitPattern: base)
            return i
        }
        return nil
    }

    /// Frees a slot; whether a page of its window had vanished.
    static func unregister(_ i: Int) -> Bool {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        let faulted = slots[3 * i + 2] != 0
        slots[3 * i] = 0
        slots[3 * i + 1] = 0
        slots[3 * i + 2] = 0
        return faulted
    }

    private static let handler: @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void = { _, info, _ in
        let address = UInt(bitPattern: info?.pointee._sifields._sigfault.si_addr)
        for i in 0..<slotCount {
            let start = slots[3 * i]
            guard start != 0, address >= start, address < slots[3 * i + 1] else { continue }
            let page = address & ~(pageSize - 1)
            let zeros = mmap(UnsafeMutableRawPointer(bitPattern: page), Int(pageSize), PROT_READ,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
            if zeros != MAP_FAILED {
                slots[3 * i + 2] = 1
                return
            }
        }
        // Not a window's: put the previous handler back; the faulting access runs again under it.
        sigaction(SIGBUS, &previous, nil)
    }
}
