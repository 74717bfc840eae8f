import CNamespace
import Glibc

/// Entering and leaving a network namespace on the calling thread.
enum _Namespace {
    /// Whether the namespace file `fd` refers to is the one this process's dumps are taken in.
    static func isOwn(fd: Int32) -> Bool {
        var theirs = stat(), ours = stat()
        guard fstat(fd, &theirs) == 0, stat("/proc/self/ns/net", &ours) == 0 else { return false }
        return theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino
    }

    /// Runs `body` with the calling thread in the namespace `fd` refers to, then moves the
    /// thread back. Only for threads of our own (`_Thread`): if moving back fails, the
    /// thread ends anyway and its namespace with it.
    static func inside<T>(_ fd: Int32, _ body: () -> T) -> Result<T, ProbeError> {
        let home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        if home < 0 { return .failure(.system("/proc/thread-self/ns/net: \(_Errno.text(errno))")) }
        defer { close(home) }
        if rulewatch_enter_netns(fd) != 0 {
            return .failure(.system("setns: \(_Errno.text(errno))"))
        }
        let value = body()
        _ = rulewatch_enter_netns(home)
        return .success(value)
    }
}
