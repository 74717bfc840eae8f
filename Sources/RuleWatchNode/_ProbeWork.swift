import Glibc

/// The probe's connections: all opened non-blocking at once, then polled until each has
/// connected or failed, or the timeout has passed.
struct _ProbeWork: Sendable {
    var addresses: [_SocketAddress]
    var perEndpoint: Int
    var timeout: Duration

    private struct Attempt {
        var endpoint: Int
        var fd: Int32
        var done = false
    }

    func connect() -> [ProbeResult.PerEndpoint] {
        var results = addresses.map { ProbeResult.PerEndpoint(endpoint: $0.endpoint, ok: 0, total: 0, lastFailure: nil) }
        var attempts: [Attempt] = []
        defer { for a in attempts where a.fd >= 0 { close(a.fd) } }
        func finish(_ i: Int, error: Int32) {
            attempts[i].done = true
            let e = attempts[i].endpoint
            if error == 0 { results[e].ok += 1 } else { results[e].lastFailure = _Errno.text(error) }
        }
        for (e, address) in addresses.enumerated() {
            for _ in 0 ..< perEndpoint {
                results[e].total += 1
                let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
                if fd < 0 {
                    results[e].lastFailure = _Errno.text(errno)
                    continue
                }
                attempts.append(Attempt(endpoint: e, fd: fd))
                let rc = address.bytes.withUnsafeBytes { raw in
                    Glibc.connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
                }
                if rc == 0 {
                    finish(attempts.count - 1, error: 0)
                } else if errno != EINPROGRESS {
                    finish(attempts.count - 1, error: errno)
                }
            }
        }
        let deadline = _Clock.monotonicMilliseconds() + Int64(timeout.components.seconds * 1000) + timeout.components.attoseconds / 1_000_000_000_000_000
        while true {
            let pending = attempts.indices.filter { !attempts[$0].done }
            if pending.isEmpty { break }
            let left = deadline - _Clock.monotonicMilliseconds()
            if left <= 0 {
                let text = "timed out after \(timeout.secondsText)"
                for i in pending {
                    attempts[i].done = true
                    results[attempts[i].endpoint].lastFailure = text
                }
                break
            }
            var fds = pending.map { pollfd(fd: attempts[$0].fd, events: Int16(POLLOUT), revents: 0) }
            let n = poll(&fds, nfds_t(fds.count), Int32(min(left, 60_000)))
            if n < 0 {
                if errno == EINTR { continue }
                let text = _Errno.text(errno)
                for i in pending {
                    attempts[i].done = true
                    results[attempts[i].endpoint].lastFailure = "poll: \(text)"
                }
                break
            }
            for (k, i) in pending.enumerated() where fds[k].revents != 0 {
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                if getsockopt(attempts[i].fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 { error = errno }
                finish(i, error: error)
            }
        }
        return results
    }
}
