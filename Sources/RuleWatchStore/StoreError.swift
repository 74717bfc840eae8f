/// Why the store could not do what was asked, worded for the `error:` line a command prints.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// The file exists but is not a rulewatch store (another SQLite database, or not SQLite).
    case notAStore(path: String, detail: String)
    /// Written by a newer rulewatch: its schema has migrations this one does not know.
    case newerSchema(path: String, unknown: [String])
    /// The path cannot be written: a read-only file, directory or file system.
    case readOnly(path: String, detail: String)
    /// The disk filled up; the transaction was rolled back and nothing stored before was lost.
    case diskFull(path: String)
    /// A reading command was pointed at a store that does not exist.
    case missing(path: String)
    /// A stored blob could not be read back.
    case corrupt(String)
    /// Any other SQLite or file error.
    case io(String)
    /// The request itself was wrong (a time, a selector).
    case usage(String)
    /// Input that is not a dump, or no snapshot in it.
    case badInput(String)

    public var description: String {
        switch self {
        case let .notAStore(path, detail): "\(path): not a rulewatch store (\(detail)); point --store at another file"
        case let .newerSchema(path, unknown):
            "\(path): written by a newer rulewatch (schema \(unknown.joined(separator: ", ")) unknown here); upgrade rulewatch to read it"
        case let .readOnly(path, detail): "\(path): cannot write the store: \(detail)"
        case let .diskFull(path): "\(path): disk full; this snapshot was not stored, everything stored before is intact"
        case let .missing(path): "\(path): no store there yet (run `rulewatch ingest` or `rulewatch collect` first, or give --store)"
        case let .corrupt(what): "the store is damaged: \(what)"
        case let .io(what): what
        case let .usage(what): what
        case let .badInput(what): what
        }
    }

    /// The exit status the CLI ends with (sysexits, as the other commands use).
    public var exitCode: Int32 {
        switch self {
        case .usage: 64
        case .notAStore, .newerSchema, .corrupt, .badInput: 65
        case .missing: 66
        case .readOnly, .diskFull, .io: 74
        }
    }
}
