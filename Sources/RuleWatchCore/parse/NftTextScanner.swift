/// Reads `nft list ruleset` (and `nft -a list ruleset`) text.
///
/// ```
/// table ip nat {                                   # handle 3 (with -a)
///     set allowed { type ipv4_addr; elements = {   <- sets, maps, named counters,
///             10.0.0.1, 10.0.0.2 } }                  flowtables, ct objects: skipped
///     chain PREROUTING {
///         type nat hook prerouting priority dstnat; policy accept;
///         tcp dport 80 counter packets 3 bytes 180 redirect to :8080
///     }
/// }                                                <- the table is handed on here
/// ```
///
/// Levels are kept by counting braces outside quotes, so a block or an anonymous set may
/// span any number of lines. Without `wantsRules` a rule line costs a trim, a `memchr`
/// for a brace and a `memchr` for the `k` of `counter packets`.
struct NftTextScanner: SectionScanner {
    let options: ParseOptions
    let wantsRules: Bool
    let source: String

    var table = ParsedTable()
    /// 0 outside a table, 1 in a table's body, 2 in a chain's body.
    var level = 0
    /// Braces still open in a table-level block being skipped (set, map, flowtable, ...).
    var skipDepth = 0
    /// Braces still open in a rule that runs over lines (an anonymous set split up).
    var ruleDepth = 0
    /// The rule `ruleDepth` belongs to.
    var pending = Pending()
    /// Whether the chain has had a rule yet: its `type`/`comment`/`policy` lines come first.
    var chainHasRules = false
    /// The current chain's name in the arena, and its rules so far (rules only).
    var chain = ArenaRange.empty
    var position: Int32 = 0
    /// Anonymous chains open (`jump { ... }`), innermost last: the chain each was bound in.
    var bindings: [Binding] = []
    /// Braces still open in a named counter object's block (`counter c1 { ... }`).
    var counterDepth = 0
    var counterObject = CounterObject()

    init(options: ParseOptions, wantsRules: Bool, source: String) {
        self.options = options
        self.wantsRules = wantsRules
        self.source = source
    }

    mutating func feed<R: TableReceiver>(_ line: Line, into receiver: inout R) throws -> FeedResult {
        let text = line.bytes.trimmed
        if ruleDepth > 0 { return try continueRule(text, line: line.number, into: &receiver) }
        if counterDepth > 0 { return try counterObjectLine(text, line: line.number, into: &receiver) }
        if skipDepth > 0 { return try skipLine(text, line: line.number, into: &receiver) }
        switch level {
        case 2: return try chainLine(text, line: line.number, into: &receiver)
        case 1: return try tableLine(text, line: line.number, into: &receiver)
        default: return try outsideLine(text, line: line.number, into: &receiver)
        }
    }

    mutating func finish<R: TableReceiver>(into receiver: inout R) throws {
        if ruleDepth > 0 {
            try receiver.warn(line: pending.line, "rule's braces not closed before the dump ended")
            ruleDepth = 0
            finishRule()
        }
        skipDepth = 0
        counterDepth = 0
        if level > 0 { try emit(truncated: true, into: &receiver) }
    }
}

extension NftTextScanner {
    /// A rule whose anonymous set runs on over lines.
    struct Pending {
        var packets: Counter?
        var bytes: Counter?
        var line = 0
        /// Where its text began in the arena (rules only).
        var textStart: Int32 = 0
        /// Its `# handle N` (`nft -a`); 0: none.
        var handle: UInt32 = 0
    }

    /// An anonymous chain being read: where to go on once its `}` comes.
    struct Binding {
        var chain: ArenaRange
        var position: Int32
    }

    /// A named counter object being read.
    struct CounterObject {
        var name = ArenaRange.empty
        var packets: UInt64?
        var bytes: UInt64 = 0
        var line = 0
    }
}
