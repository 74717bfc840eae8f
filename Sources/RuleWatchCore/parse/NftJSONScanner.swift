/// Reads `nft -j list ruleset` as a stream of bytes, whatever its lines.
///
/// ```
/// {"nftables": [{"metainfo": {...}},
///   {"table": {"family": "ip", "name": "nat", "handle": 1}},            <- a table begins
///   {"chain": {"family": "ip", "table": "nat", "name": "KUBE-SVC-X", ...}},
///   {"rule": {"family": "ip", "table": "nat", "chain": "KUBE-SVC-X", "handle": 7,
///             "expr": [{"counter": {"packets": 3, "bytes": 180}}, {"jump": {"target": "KUBE-SEP-Y"}}]}},
///   {"counter": {"family": "ip", "table": "nat", "name": "c", "packets": 0, "bytes": 0}},  <- not a rule
///   {"table": {"family": "ip", "name": "filter", ...}},                  <- nat is handed on
///   ...]}                                                                <- and the last table here
/// ```
///
/// `nft` writes the document as one line, tens of MB long for a big ruleset, which the
/// `LineReader` lends in pieces; `jq` spreads it over many. Either way the bytes go through
/// one tokenizer whose state outlives pieces and lines, so memory is bounded by one rule.
/// Objects are accounted when they close, so key order does not matter. Without
/// `wantsRules` only the few keys that identify tables and counters are looked at and no
/// rule costs an allocation; with it a rule's `expr` is copied as compact JSON, the
/// anonymous counter's values replaced by `null`, so pretty and one-line dumps read the same.
struct NftJSONScanner: SectionScanner {
    let wantsRules: Bool
    let source: String

    /// Longest `expr` text kept for one rule; the rest is cut (with a warning).
    static let maxRuleText = 1 << 20
    /// Longest name kept (nft's own limit is 256 bytes).
    static let maxCapture = 4096
    /// Containers open at once.
    static let maxDepth = 256

    // MARK: Tokenizer

    var state = _JSONLexState.value
    var depth = 0
    /// Per open container, 1-based: 1 for an object, 0 for an array.
    var isObject: [UInt8]
    /// Roles of the containers at depths 0...7; deeper ones are all `.other`.
    var roles: [_JSONRole]
    /// The string being read is a key.
    var stringIsKey = false
    /// Its bytes, unescaped, go to `capture` (a fixed buffer: `captureCount` bytes are used).
    var capturing = false
    var capture: [UInt8]
    var captureCount = 0
    var captureCut = false
    /// `\uXXXX`: the digits so far, and a high surrogate waiting for its low half.
    var unicodeValue: UInt32 = 0
    var unicodeDigits = 0
    var pendingHigh: UInt32 = 0
    /// A number being read into a counter field.
    var numberField = _JSONKey.other
    var numberValue: UInt64 = 0
    var numberOverflow = false
    var numberIsInteger = true
    /// A literal's letters so far, packed.
    var literalBits: UInt64 = 0
    var literalLength = 0

    /// In `.skip`: the depth of the container being skipped, and whether a string (and an
    /// escape in it) is open.
    var skipBase = 0
    var skipInString = false
    var skipEscape = false
    /// The container being skipped is copied into the rule's text (`copySkip`), through
    /// `copyScratch` (`copyChunk` bytes and a word's slack).
    var skipCopies = false
    var copyScratch: [UInt8] = []
    static let copyChunk = 4096

    // MARK: Where in the schema

    var topKey = _JSONKey.other
    var itemKind = _JSONKey.other
    var bodyField = _JSONKey.other
    var statementKey = _JSONKey.other
    var innerField = _JSONKey.other

    // MARK: The object being read

    /// The line its item began on.
    var itemLine = 0
    var objectFamily: Family?
    var objectFamilyUnknown = false
    var objectTable: [UInt8] = []
    /// Its `table` is the table in progress (then `objectTable` is not filled in).
    var objectTableIsCurrent = false
    var objectName: [UInt8] = []
    /// Scratch buffers, as `ruleText` is: written for every rule.
    let objectChain = ByteScratch(capacity: 256)
    var objectHook: [UInt8] = []
    var objectPolicy: [UInt8] = []
    /// Which of them it had (a name may be empty).
    var objectHas = _JSONFields()
    var ruleCounted = false
    /// The counter being read had `packets` or `bytes`: an anonymous counter, not a
    /// reference to a named one (`{"counter": {"map": ...}}`).
    var counterSeen = false
    /// Where the anonymous counter's object began in `ruleText`.
    var counterTextStart = 0
    /// The depth of the verdict map being read (0: none), and the verdicts met in it.
    var vmapDepth = 0
    var vmapVerdicts: UInt8 = 0
    var vmapNamed = false
    /// A string statement's start in `ruleText`: nft prints a chain binding (`jump { ... }`)
    /// as one, its rules inside as nft text.
    var stringStart = 0
    /// Captured strings may grow this long (binding strings are long, names short).
    var captureLimit = NftJSONScanner.maxCapture
    /// The bodies of the current rule's chain bindings, read once the rule ends.
    var bindingBodies: [[UInt8]] = []
    var rulePackets: UInt64 = 0
    var ruleBytes: UInt64 = 0
    /// The rule's `"handle"` (`nft -j` prints it always); 0: none.
    var ruleHandle: UInt32 = 0
    let ruleTarget = ByteScratch(capacity: 256)
    /// An xt statement's `type` and `name` (iptables-nft writes one for each comment match).
    let xtType = ByteScratch(capacity: 64)
    let xtName = ByteScratch(capacity: 64)
    /// The rule's `expr` as compact JSON, while it is read. Grown a token at a time (about
    /// eighty appends a rule): an array's uniqueness check and generic `append(contentsOf:)`
    /// on each had been a seventh of storing nft -j rules.
    let ruleText = ByteScratch()
    var textActive = false
    var textSuppressed = false
    var textFull = false
    /// `textActive && !textSuppressed && !textFull`, kept for the hot path.
    var textOn = false

    // MARK: The table being built

    var table = ParsedTable()
    var tableOpen = false
    /// Tables handed on from this document: none in a whole one is an empty ruleset.
    var tablesEmitted = 0
    /// A rule of the table is in, or jumps to, a chain the kernel named `__chainN` (a
    /// binding listed as chain and rules of its own): renamed when the table ends.
    var kernelBindings = false
    var tableFamily = Family.ip
    var tableKey: [UInt8] = []
    /// Where the rules of the last chain are numbered.
    var lastChain = ArenaRange.empty
    var lastChainHash: UInt64 = 0
    var lastPosition: Int32 = 0
    /// Where each chain met so far stopped, by a hash of its name.
    var positions: [UInt64: (name: ArenaRange, position: Int32)] = [:]

    // MARK: Lines

    var lineNumber = 0
    /// Bytes of the current line in pieces before this one, for columns.
    var lineOffset = 0
    /// The first problem met in the current piece, reported as its result.
    var problem: String?

    init(options: ParseOptions, wantsRules: Bool, source: String) {
        self.wantsRules = wantsRules
        self.source = source
        isObject = [UInt8](repeating: 0, count: Self.maxDepth + 1)
        roles = [_JSONRole](repeating: .other, count: 8)
        capture = [UInt8](repeating: 0, count: Self.maxCapture)
        if wantsRules { copyScratch = [UInt8](repeating: 0, count: Self.copyChunk + 8) }
    }

    mutating func feed<R: TableReceiver>(_ line: Line, into receiver: inout R) throws -> FeedResult {
        problem = nil
        let bytes = line.bytes
        if line.isFirstPiece {
            lineNumber = line.number
            lineOffset = 0
            if state == .done || state == .broken || depth > 0 {
                if let first = bytes.byte(at: 0), startsOtherSection(first) { return .notMine }
                if state == .done || state == .broken {
                    // The rest of a broken document is skipped quietly; one warning said it.
                    if state == .broken || bytes.trimmed.isEmpty { return .consumed }
                    return .notMine
                }
            }
        }
        try scan(bytes, into: &receiver)
        lineOffset += bytes.count
        if line.isLastPiece { try endOfLine(into: &receiver) }
        if let problem { return .invalid(problem) }
        return .consumed
    }

    mutating func finish<R: TableReceiver>(into receiver: inout R) throws {
        let complete = state == .done
        if tableOpen {
            table.truncated = !complete
            try emitTable(into: &receiver)
        } else if !complete && state != .broken && depth > 0 {
            try receiver.warn(line: lineNumber, "nft JSON document ends before its closing brace")
        } else if complete && tablesEmitted == 0 {
            try receiver.emptyDump(line: lineNumber)
        }
        reset()
    }

    /// A line at whose first byte the document cannot go on: a timestamp, another dump's
    /// first line (`*nat`, `table ip filter`, `Chain INPUT`, `# Generated`, `@1700000000`),
    /// or a new document's `{` where no value may come. Real output never puts these in
    /// column 0 inside a document: `nft` writes one line, `jq` indents.
    func startsOtherSection(_ first: UInt8) -> Bool {
        if ASCII.isLetter(first) || ASCII.isDigit(first) { return true }
        switch first {
        case ASCII.star, ASCII.at, ASCII.hash: return true
        case ASCII.openBrace: return state != .value && state != .valueOrClose
        default: return false
        }
    }

    /// Back to the state before the first line, keeping buffers, for the next document.
    mutating func reset() {
        state = .value
        depth = 0
        stringIsKey = false
        capturing = false
        pendingHigh = 0
        topKey = .other
        itemKind = .other
        bodyField = .other
        statementKey = .other
        innerField = .other
        textActive = false
        textSuppressed = false
        textFull = false
        textOn = false
        vmapDepth = 0
        ruleText.reset()
        bindingBodies.removeAll()
        tableOpen = false
        tablesEmitted = 0
        kernelBindings = false
        table.reset()
        positions.removeAll(keepingCapacity: true)
        lastChain = .empty
        lastChainHash = 0
        lastPosition = 0
    }
}
