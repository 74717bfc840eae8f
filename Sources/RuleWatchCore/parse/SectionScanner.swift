/// A scanner for one dump format, fed line by line by `CaptureParser`.
///
/// It keeps its own state between lines (the table and chain it is in), builds a
/// `ParsedTable`, and hands it to the receiver the moment the table ends (`COMMIT`, the
/// table's closing brace, the start of the next listing table). It never sees timestamp or
/// egress lines unless it turns them down first: the parser offers every line to the
/// current scanner and looks at it itself only when the scanner answers `.notMine`.
protocol SectionScanner {
    init(options: ParseOptions, wantsRules: Bool, source: String)

    /// Offers one line (no newline; it may hold NULs or invalid UTF-8).
    ///
    /// - Returns: `.consumed` when the line belongs to this dump (read or skipped as
    ///   harmless); `.notMine` when it does not look like this format at all (a timestamp,
    ///   another format's header: the parser decides); `.invalid(message)` when it is inside
    ///   this dump but cannot be read (the parser warns and goes on).
    mutating func feed<R: TableReceiver>(_ line: Line, into receiver: inout R) throws -> FeedResult

    /// The section is over (another began, a timestamp came, the input ended): hand on the
    /// table in progress, marked `truncated` if it had not ended properly.
    mutating func finish<R: TableReceiver>(into receiver: inout R) throws
}

enum FeedResult: Equatable {
    case consumed
    case notMine
    case invalid(String)
}

/// Takes whole tables from a scanner.
protocol TableReceiver {
    /// The table is lent: copy out what you keep.
    mutating func receive(_ table: inout ParsedTable) throws
    /// Warnings a scanner raises outside `feed`'s result (e.g. at `finish`).
    mutating func warn(line: Int, _ message: String) throws
    /// A whole dump that holds no table (`nft -j list ruleset` of an empty ruleset prints
    /// only its metainfo).
    mutating func emptyDump(line: Int) throws
}

extension TableReceiver {
    mutating func emptyDump(line: Int) throws {}
}

/// One line of input as the `LineReader` lends it.
struct Line {
    /// Without the newline (a CR before it is kept: scanners treat it as a blank).
    var bytes: ByteSlice
    /// 1-based, in its file.
    var number: Int
    /// The line is longer than the reader's buffer: this is one piece of it, and
    /// `isFirstPiece`/`isLastPiece` say which. Only the nft JSON scanner is offered pieces
    /// (it reads them as a stream); `CaptureParser` warns of an overlong line itself and
    /// gives the line-based scanners whole lines alone.
    var isFirstPiece = true
    var isLastPiece = true
    /// The input ended without a newline after this line.
    var atEndWithoutNewline = false
}
