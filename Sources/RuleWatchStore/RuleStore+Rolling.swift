import CZlib
import Foundation
import GRDB
import RuleWatchCore

/// A rolling capture (a cron line appends a dump a minute to one file), read from where the
/// last run left it. The store keeps per source and path the file's device and inode, the
/// offset read up to, and a CRC of the last snapshot read (the bytes just before the offset):
/// - same inode, CRC still there: read on from the offset;
/// - another inode at the path (logrotate's rename): finish the old inode from the offset,
///   found beside the path by device and inode, then read the new file whole;
/// - same inode but the CRC gone (copytruncate, or the file rewritten): finish the copy
///   beside it whose bytes before the offset have the CRC, then read the file whole.
/// A snapshot is stored once (same source and time), so a run killed before it moved the
/// cursor reads some snapshots again and skips them.
extension RuleStore {
    struct FileCursor {
        var device: Int64
        var inode: Int64
        var offset: Int64
        var fingerprintStart: Int64
        var fingerprint: Int64
    }

    func ingestRolling(_ path: String, request: IngestRequest, onWarning: @escaping (Diagnostic) -> Void,
                       outcome: inout IngestOutcome, onProgress: ((IngestProgress) -> Void)? = nil) throws {
        guard var info = Self.stat(path) else {
            throw StoreError.badInput("\(path): \(String(cString: strerror(errno)))")
        }
        let cursor = try read { db -> FileCursor? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT device, inode, offset, fingerprint_start, fingerprint FROM file_cursor
                JOIN source ON source.id = file_cursor.source_id WHERE source.name = ? AND path = ?
                """, arguments: [request.source, path]) else { return nil }
            return FileCursor(device: row["device"], inode: row["inode"], offset: row["offset"],
                              fingerprintStart: row["fingerprint_start"], fingerprint: row["fingerprint"])
        }
        var start: Int64 = 0
        if let c = cursor {
            if c.device == info.device, c.inode == info.inode, info.size >= c.offset, Self.fingerprint(path, c) == c.fingerprint {
                start = c.offset
            } else if let old = Self.rotatedCopy(of: path, cursor: c) {
                // Finished: logrotate moved or copied it, nothing more is written there.
                let tail = try Self.readRange(old, from: c.offset, to: nil)
                let h = try Self.parse(bytes: tail, name: old, request: request, onWarning: onWarning, onProgress: onProgress)
                try store(h, snapshots: 0..<h.snapshots.count, request: request, outcome: &outcome, onProgress: onProgress)
            }
        }
        // The last snapshot is taken once the file has been quiet; wait that long at most.
        let quietNanos = Int64(request.quietSeconds * 1e9)
        let age = request.now - info.modified
        if age < quietNanos {
            usleep(UInt32(Swift.min(quietNanos - age, quietNanos) / 1000))
            if let again = Self.stat(path) { info.quiet = again.size == info.size && again.modified == info.modified }
        } else {
            info.quiet = true
        }
        let bytes = try Self.readRange(path, from: start, to: info.size)
        if bytes.isEmpty {
            outcome.nothingNew.append(path)
            return
        }
        let h = try Self.parse(bytes: bytes, name: path, request: request, onWarning: onWarning, onProgress: onProgress)
        var take = h.snapshots.count
        if let last = h.snapshots.last, last.partial || !info.quiet {
            take -= 1
            outcome.leftForLater += 1
        }
        if take == 0 { return }
        try store(h, snapshots: 0..<take, request: request, outcome: &outcome, onProgress: onProgress)
        // The cursor: after the last snapshot taken, with the CRC of its bytes.
        let end = take == h.snapshots.count ? bytes.count : Self.offset(ofLine: h.snapshots[take].line, in: bytes)
        let lastStart = Self.offset(ofLine: h.snapshots[take - 1].line, in: bytes)
        let crc = Self.crc(bytes[lastStart..<end])
        let c = FileCursor(device: info.device, inode: info.inode, offset: start + Int64(end),
                           fingerprintStart: start + Int64(lastStart), fingerprint: crc)
        try write { db in
            guard let state = try _SourceState.load(db, source: request.source, create: true) else { return }
            try db.execute(sql: """
                INSERT OR REPLACE INTO file_cursor (source_id, path, device, inode, offset, fingerprint_start, fingerprint)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [state.id, path, c.device, c.inode, c.offset, c.fingerprintStart, c.fingerprint])
        }
    }

    struct FileInfo {
        var device: Int64
        var inode: Int64
        var size: Int64
        var modified: Int64
        var quiet = false
    }

    static func stat(_ path: String) -> FileInfo? {
        var st = Glibc.stat()
        guard _statPath(path, &st) == 0 else { return nil }
        return FileInfo(device: Int64(bitPattern: UInt64(st.st_dev)), inode: Int64(bitPattern: UInt64(st.st_ino)),
                        size: Int64(st.st_size),
                        modified: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
    }

    static func readRange(_ path: String, from: Int64, to: Int64?) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.badInput("\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var out: [UInt8] = []
        var at = from
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while to.map({ at < $0 }) ?? true {
            let want = to.map { Int(Swift.min(Int64(buffer.count), $0 - at)) } ?? buffer.count
            let n = pread(fd, &buffer, want, off_t(at))
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.io("\(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            out.append(contentsOf: buffer[0..<n])
            at += Int64(n)
        }
        return out
    }

    static func crc(_ bytes: ArraySlice<UInt8>) -> Int64 {
        let value = bytes.withUnsafeBufferPointer { b in
            crc32(crc32(0, nil, 0), b.baseAddress, uInt(b.count))
        }
        return Int64(value) | Int64(bytes.count) << 32
    }

    static func fingerprint(_ path: String, _ c: FileCursor) -> Int64? {
        guard let bytes = try? readRange(path, from: c.fingerprintStart, to: c.offset),
              bytes.count == Int(c.offset - c.fingerprintStart) else { return nil }
        return crc(bytes[...])
    }

    /// The file logrotate left the read part in: beside `path`, named after it, not gzipped,
    /// with the cursor's inode or the cursor's CRC.
    static func rotatedCopy(of path: String, cursor c: FileCursor) -> String? {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let base = url.lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return nil }
        let candidates = names.filter { $0 != base && $0.hasPrefix(base) && !$0.hasSuffix(".gz") && !$0.hasSuffix(".xz") }
            .map { dir + "/" + $0 }
        if let moved = candidates.first(where: { stat($0).map { $0.device == c.device && $0.inode == c.inode } ?? false }) {
            return moved
        }
        return candidates.first { candidate in
            (stat(candidate)?.size ?? 0) >= c.offset && fingerprint(candidate, c) == c.fingerprint
        }
    }

    /// Where 1-based line `line` begins in `bytes`.
    static func offset(ofLine line: Int, in bytes: [UInt8]) -> Int {
        if line <= 1 { return 0 }
        var seen = 1
        return bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                guard let p = memchr(b.baseAddress! + i, 0x0A, b.count - i) else { return b.count }
                i = b.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self)) + 1
                seen += 1
                if seen == line { return i }
            }
            return b.count
        }
    }
}

/// `stat(2)`: at file scope, where the name is not the extension's `stat(_:)`.
private func _statPath(_ path: String, _ st: UnsafeMutablePointer<stat>) -> Int32 { stat(path, st) }
