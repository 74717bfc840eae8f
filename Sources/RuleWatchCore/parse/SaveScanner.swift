/// Placeholder: being written.
struct SaveScanner: SectionScanner {
    init(options: ParseOptions, wantsRules: Bool, source: String) {}
    mutating func feed<R: TableReceiver>(_ line: Line, into receiver: inout R) throws -> FeedResult { .notMine }
    mutating func finish<R: TableReceiver>(into receiver: inout R) throws {}
}
