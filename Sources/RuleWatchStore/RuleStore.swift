import Foundation
import GRDB
import RuleWatchCore

/// The node's history on disk: one SQLite file (WAL) holding snapshots, rules, chain
/// policies and, per snapshot, only the counters that changed (`_ChangeBlob`).
///
/// ```swift
/// let store = try RuleStore(path: StorePath.resolve(nil))
/// let outcome = try store.ingest(files: ["dump.txt"], request: IngestRequest(source: "node-1"))
/// let history = try store.history(source: "node-1", since: nil, until: nil)
/// let result = Analyzer().analyze(history)
/// ```
///
/// Several processes may write one store at once (cron runs overlap): each snapshot is one
/// `BEGIN IMMEDIATE` transaction, waited for up to `busyTimeout`, and the first run's
/// migration is retried when another process won the race to create the schema.
public final class RuleStore {
    public let path: String
    let db: DatabaseQueue

    /// How long a writer waits for another process's transaction before giving up.
    public static let busyTimeout: TimeInterval = 60

    /// Opens (and with `create`, makes and migrates) the store at `path`.
    /// - Throws: `StoreError.missing` when it does not exist and `create` is false;
    ///   `.notAStore`, `.newerSchema`, `.readOnly` as their names say.
    public init(path: String, create: Bool = true) throws(StoreError) {
        self.path = path
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if isDirectory.boolValue { throw StoreError.notAStore(path: path, detail: "a directory") }
        if !exists {
            guard create else { throw StoreError.missing(path: path) }
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty {
                do {
                    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                } catch {
                    throw StoreError.readOnly(path: path, detail: "cannot make its directory \(dir): \(Self.reason(error))")
                }
            }
            if access(dir.isEmpty ? "." : dir, W_OK) != 0 {
                throw StoreError.readOnly(path: path, detail: "its directory is not writable (\(String(cString: strerror(errno))))")
            }
        } else {
            try Self.checkHeader(path)
        }
        var config = Configuration()
        config.busyMode = .timeout(Self.busyTimeout)
        config.journalMode = .wal
        config.prepareDatabase { db in
            // NORMAL in WAL: a commit is durable once the WAL is synced at checkpoint; a
            // power loss can cost the last transactions, never the file's integrity.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        var opened: DatabaseQueue?
        var lastError: Error?
        // Two first runs race to switch the new file to WAL and create the schema: the
        // loser sees the winner's schema on its next try.
        for attempt in 0..<8 {
            do {
                let q = try DatabaseQueue(path: path, configuration: config)
                try Self.checkIdentity(q, path: path)
                try Self.migrate(q, path: path)
                opened = q
                break
            } catch let e as StoreError {
                throw e
            } catch {
                lastError = error
                if let e = error as? DatabaseError, e.resultCode != .SQLITE_BUSY, e.resultCode != .SQLITE_LOCKED,
                   e.resultCode != .SQLITE_ERROR {
                    throw Self.map(error, path: path)
                }
                usleep(UInt32(20_000 * (attempt + 1)))
            }
        }
        guard let opened else { throw Self.map(lastError!, path: path) }
        db = opened
    }

    /// A file that is not SQLite at all, told before SQLite would report it less clearly.
    private static func checkHeader(_ path: String) throws(StoreError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError.readOnly(path: path, detail: "cannot read it (\(String(cString: strerror(errno))))")
        }
        defer { try? handle.close() }
        let head = handle.readData(ofLength: 16)
        if head.isEmpty { return }
        if head != Data("SQLite format 3\0".utf8) {
            throw StoreError.notAStore(path: path, detail: "not a SQLite database")
        }
    }

    /// A SQLite file of something else: it has tables and not our application id.
    private static func checkIdentity(_ q: DatabaseQueue, path: String) throws {
        // One read transaction: a consistent view while another process creates the schema.
        try q.read { db in
            let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            if id == _Schema.applicationID { return }
            // GRDB's migration table (and its automatic index) comes before our schema: a
            // store another first run is creating has only those yet.
            let tables = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'grdb\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
                """) ?? 0
            if tables > 0 || id != 0 {
                throw StoreError.notAStore(path: path, detail: "a SQLite database of another application")
            }
        }
    }

    private static func migrate(_ q: DatabaseQueue, path: String) throws {
        let superseded = try q.read { db -> [String] in
            guard try db.tableExists("grdb_migrations") else { return [] }
            let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            let known = Set(_Schema.migrator.migrations)
            return applied.filter { !known.contains($0) }
        }
        if !superseded.isEmpty { throw StoreError.newerSchema(path: path, unknown: superseded) }
        if try q.read({ try _Schema.migrator.hasCompletedMigrations($0) }) { return }
        try _Schema.migrator.migrate(q)
    }

    /// An error as the user should read it.
    static func map(_ error: Error, path: String) -> StoreError {
        if let e = error as? StoreError { return e }
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_FULL: return .diskFull(path: path)
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH:
                return .readOnly(path: path, detail: e.message ?? "read-only")
            case .SQLITE_CANTOPEN:
                return .readOnly(path: path, detail: "cannot open it (\(e.message ?? "permission denied"))")
            case .SQLITE_NOTADB: return .notAStore(path: path, detail: "not a SQLite database")
            case .SQLITE_CORRUPT: return .corrupt("\(path): \(e.message ?? "corrupt")")
            case .SQLITE_IOERR where e.extendedResultCode.rawValue == 13 | (4 << 8): return .diskFull(path: path)
            default: return .io("\(path): \(e.message ?? "\(e)")")
            }
        }
        if let e = error as? CocoaError, e.code == .fileWriteOutOfSpace { return .diskFull(path: path) }
        return .io("\(path): \(reason(error))")
    }

    static func reason(_ error: Error) -> String {
        if let e = error as? CocoaError, let u = e.underlying as? POSIXError { return String(cString: strerror(u.code.rawValue)) }
        return "\(error)"
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction, errors mapped for the user.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            var result: T?
            try db.inTransaction(.immediate) { d in
                result = try body(d)
                return .commit
            }
            return result!
        } catch {
            throw Self.map(error, path: path)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try db.read(body) } catch { throw Self.map(error, path: path) }
    }

    /// The sources the store holds, by name.
    public func sources() throws(StoreError) -> [String] {
        try read { try String.fetchAll($0, sql: "SELECT name FROM source ORDER BY name") }
    }

    /// `PRAGMA integrity_check`'s answer: `["ok"]` for a sound file.
    public func integrityCheck() throws(StoreError) -> [String] {
        try read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
    }
}
