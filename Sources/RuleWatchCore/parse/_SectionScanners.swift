/// The four scanners of one file and which of them has the current section.
///
/// Calls go straight to the concrete scanner (no existential, no closure), so the
/// per-line path is specialized for the sink from end to end.
struct _SectionScanners {
    enum Mode { case none, listing, save, nft, json }

    var mode = Mode.none
    private var listing: ListingScanner
    private var save: SaveScanner
    private var nft: NftTextScanner
    private var json: NftJSONScanner

    init(options: ParseOptions, wantsRules: Bool, source: String) {
        listing = ListingScanner(options: options, wantsRules: wantsRules, source: source)
        save = SaveScanner(options: options, wantsRules: wantsRules, source: source)
        nft = NftTextScanner(options: options, wantsRules: wantsRules, source: source)
        json = NftJSONScanner(options: options, wantsRules: wantsRules, source: source)
    }

    /// Offers the line to the current section's scanner; `.notMine` when there is none.
    @inline(__always)
    mutating func feed<R: TableReceiver>(_ line: Line, into receiver: inout R) throws -> FeedResult {
        switch mode {
        case .none: return .notMine
        case .listing: return try listing.feed(line, into: &receiver)
        case .save: return try save.feed(line, into: &receiver)
        case .nft: return try nft.feed(line, into: &receiver)
        case .json: return try json.feed(line, into: &receiver)
        }
    }

    /// Ends the current section: its scanner hands on the table in progress.
    mutating func finish<R: TableReceiver>(into receiver: inout R) throws {
        switch mode {
        case .none: break
        case .listing: try listing.finish(into: &receiver)
        case .save: try save.finish(into: &receiver)
        case .nft: try nft.finish(into: &receiver)
        case .json: try json.finish(into: &receiver)
        }
        mode = .none
    }
}
