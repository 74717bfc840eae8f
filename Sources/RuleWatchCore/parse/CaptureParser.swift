import Glibc

/// Reads a capture: one or more files holding dumps one after another, with timestamp lines
/// between them, and hands it to a `DumpSink` snapshot by snapshot.
///
/// A capture's lines go, one at a time, to the scanner of the dump they are in; a line the
/// scanner turns down is looked at here: a timestamp, an inline `# egress ok=N total=N`, the
/// start of another dump (detected from its first line, section by section, unless
/// `ParseOptions.format` says), a comment, or junk (a warning). Snapshots are cut by
/// `_SnapshotAssembler`: at a timestamp line, and where a table already seen in the current
/// snapshot comes again.
///
/// Several files are one capture, in order; `-` is standard input; gzip input (a file or a
/// pipe, told by its magic bytes) is inflated as it is read. Memory stays fixed: one line buffer, one table at a time.
public struct CaptureParser {
    public var options: ParseOptions
    /// Each warning, as it is found. In strict mode the first one is thrown instead.
    public var onWarning: (Diagnostic) -> Void
    /// Called every few MiB with the bytes read so far and, when known, the total.
    public var onProgress: ((_ read: Int, _ total: Int?) -> Void)?

    /// Warnings printed per file before the rest are only counted.
    public var warningLimit = 20

    /// The line buffer's size: lines longer than this come in pieces. Tests make it small to
    /// cut the input at every place.
    var bufferCapacity = LineReader.defaultCapacity

    public init(options: ParseOptions = ParseOptions(), onWarning: @escaping (Diagnostic) -> Void = { _ in }) {
        self.options = options
        self.onWarning = onWarning
    }

    /// Parses `files` (`-` or none: standard input) as one capture.
    ///
    /// - Throws: `CaptureError` (exit 66 for a missing file; 65 for a file that is no dump, a
    ///   capture that yields no snapshot at all or, in strict mode, any warning; 74 when
    ///   reading fails), or what the sink throws.
    public func parse<S: DumpSink>(files: [String], into sink: inout S) throws {
        let paths = files.isEmpty ? ["-"] : files
        var inputs: [(name: String, fd: Int32, size: Int?)] = []
        defer { for i in inputs where i.fd > 0 { Glibc.close(i.fd) } }
        for path in paths {
            if path == "-" {
                inputs.append(("<stdin>", 0, nil))
                continue
            }
            switch Syscall.openForReading(path) {
            case .success(let fd):
                if Syscall.isDirectory(fd) {
                    Glibc.close(fd)
                    throw CaptureError(Diagnostic(.error, file: path, "Is a directory"), exitStatus: 66)
                }
                inputs.append((path, fd, Syscall.fileSize(fd)))
            case .failure(let failure):
                throw CaptureError(Diagnostic(.error, file: path, failure.message), exitStatus: 66)
            }
        }
        let total: Int? = inputs.allSatisfy { $0.size != nil } ? inputs.reduce(0) { $0 + ($1.size ?? 0) } : nil
        try withUnsafeMutablePointer(to: &sink) { sinkPointer in
            var assembler = _SnapshotAssembler(sink: sinkPointer, parser: self)
            var done = 0
            // Files that held no dump: warnings, unless the whole capture has no snapshot.
            var empty: [Diagnostic] = []
            for input in inputs {
                let source: ByteSource
                var gzip: GzipReader?
                do {
                    // A file is asked for its first bytes where they are; a pipe or a
                    // terminal has to give them up, and they are read again from here.
                    let head = input.size != nil ? nil : try Syscall.readHead(input.fd, count: 2)
                    if head.map(GzipReader.isMagic) ?? GzipReader.looksCompressed(input.fd) {
                        gzip = try GzipReader(fd: input.fd, head: head ?? [])
                        source = .gzip(gzip!)
                    } else if let head, !head.isEmpty {
                        source = .descriptorAfter(head, input.fd)
                    } else {
                        source = .descriptor(input.fd)
                    }
                } catch let failure as ReadFailure {
                    throw CaptureError(Diagnostic(.error, file: input.name, failure.message), exitStatus: 74)
                }
                // Mapping pays only for a file of more than a few buffers.
                let mapped = input.size.flatMap { $0 >= _MappedWindow.minimumFileSize ? $0 : nil }
                var reader = LineReader(source: source, capacity: bufferCapacity, mappedSize: mapped)
                defer { reader.close() }
                if let note = try parseFile(&reader, name: input.name, assembler: &assembler, progressBase: done, total: total) {
                    empty.append(note)
                }
                if let gzip, gzip.cutOff {
                    try assembler.warn(Diagnostic(.warning, file: input.name, "gzip data ends early: the file is cut off"))
                }
                done += input.size ?? 0
            }
            try assembler.endCapture()
            if assembler.snapshotCount == 0 {
                // Nothing to analyze is bad data (65), not a quiet success: a cron job
                // checking `--fail-on` must not pass on an empty or broken capture.
                if inputs.count == 1, let note = empty.first {
                    throw CaptureError(Diagnostic(.error, file: note.file, note.message), exitStatus: 65)
                }
                for note in empty { try assembler.warn(note) }
                throw CaptureError(Diagnostic(.error, file: inputs.map(\.name).joined(separator: ", "),
                                              "no snapshot in the capture"), exitStatus: 65)
            }
            for note in empty { try assembler.warn(note) }
        }
    }

    /// Parses a capture held in memory (tests, benchmarks, the fuzzer).
    public func parse<S: DumpSink>(bytes: UnsafeRawBufferPointer, name: String, into sink: inout S) throws {
        try withUnsafeMutablePointer(to: &sink) { sinkPointer in
            var assembler = _SnapshotAssembler(sink: sinkPointer, parser: self)
            var reader = LineReader(source: .memory(bytes, offset: 0), capacity: bufferCapacity)
            defer { reader.close() }
            if let note = try parseFile(&reader, name: name, assembler: &assembler, progressBase: 0, total: bytes.count) {
                try assembler.warn(note)
            }
            try assembler.endCapture()
        }
    }

    /// Parses a capture held in a byte array.
    public func parse<S: DumpSink>(bytes: [UInt8], name: String, into sink: inout S) throws {
        try bytes.withUnsafeBytes { try parse(bytes: $0, name: name, into: &sink) }
    }

    // MARK: - Internals

    /// - Returns: a warning when the file held no dump (empty, or only timestamps and
    ///   comments), for the caller to give or to turn into an error.
    private func parseFile<S: DumpSink>(_ reader: inout LineReader, name: String,
                                        assembler: inout _SnapshotAssembler<S>,
                                        progressBase: Int, total: Int?) throws -> Diagnostic? {
        var scanners = _SectionScanners(options: options, wantsRules: assembler.sink.pointee.wantsRules, source: name)
        var sawDump = false
        var sawContent = false
        var sawMarkers = false
        // Junk before the first dump is only worth a warning if a dump follows.
        var earlyJunk: [Int] = []
        var nextProgress = 32 << 20
        assembler.beginFile(name)

        func start(_ newMode: _SectionScanners.Mode, with line: Line) throws {
            scanners.mode = newMode
            if !sawDump {
                sawDump = true
                for n in earlyJunk {
                    try assembler.warn(Diagnostic(.warning, file: name, line: n, "unreadable line outside any dump, skipped"))
                }
                earlyJunk = []
            }
            let result = try scanners.feed(line, into: &assembler)
            if case .invalid(let why) = result {
                try assembler.warn(Diagnostic(.warning, file: name, line: line.number, why))
            }
        }

        do {
            while let line = try reader.next() {
                if reader.bytesRead >= nextProgress, let onProgress {
                    onProgress(progressBase + reader.bytesRead, total)
                    nextProgress = reader.bytesRead + (32 << 20)
                }
                let whole = line.isFirstPiece && line.isLastPiece
                if scanners.mode == .json || whole {
                    switch try scanners.feed(line, into: &assembler) {
                    case .consumed:
                        continue
                    case .invalid(let why):
                        try assembler.warn(Diagnostic(.warning, file: name, line: line.number, why))
                        continue
                    case .notMine:
                        try scanners.finish(into: &assembler)
                    }
                } else if !line.isFirstPiece {
                    continue  // the rest of an overlong line, already dealt with
                }
                let text = line.bytes.trimmed
                if text.isEmpty { continue }
                sawContent = true
                if !whole {
                    // Only nft's JSON comes as lines longer than the buffer.
                    if (options.format == nil || options.format == .nftJSON), text[0] == ASCII.openBrace {
                        try start(.json, with: line)
                    } else {
                        try assembler.warn(Diagnostic(.warning, file: name, line: line.number,
                                                      "line longer than \(bufferCapacity) bytes, skipped"))
                    }
                    continue
                }
                if let time = TimestampParser.line(text, zone: options.timeZone) {
                    try scanners.finish(into: &assembler)
                    try assembler.timestamp(time, line: line.number)
                    sawMarkers = true
                    continue
                }
                if let cut = text.firstRange(of: " # egress"),
                   let time = TimestampParser.line(text.slice(0, cut), zone: options.timeZone) {
                    // `2026-11-24T10:00:00Z # egress ok=1 total=2`: both on one line.
                    try scanners.finish(into: &assembler)
                    try assembler.timestamp(time, line: line.number)
                    sawMarkers = true
                    if let sample = Self.egress(text.dropFirst(cut + 1)) {
                        assembler.egress(sample)
                    } else {
                        try assembler.warn(Diagnostic(.warning, file: name, line: line.number,
                                                      "expected '# egress ok=N total=N' after the time"))
                    }
                    continue
                }
                if text.hasPrefix("# egress") {
                    if let sample = Self.egress(text) {
                        assembler.egress(sample)
                        sawMarkers = true
                    } else {
                        try assembler.warn(Diagnostic(.warning, file: name, line: line.number,
                                                      "expected '# egress ok=N total=N'"))
                    }
                    continue
                }
                if text.hasPrefix("# tcp ") {
                    if let reading = Self.tcp(text) {
                        assembler.tcp(reading)
                        sawMarkers = true
                    } else {
                        try assembler.warn(Diagnostic(.warning, file: name, line: line.number,
                                                      "expected '# tcp ns=ID active=N fails=N synretrans=N rsts=N'"))
                    }
                    continue
                }
                if let detected = detect(text) {
                    try start(detected, with: line)
                    continue
                }
                if text[0] == ASCII.hash { continue }  // a comment between dumps
                if let forced = options.format {
                    try start(Self.mode(forced), with: line)
                    continue
                }
                if sawDump {
                    try assembler.warn(Diagnostic(.warning, file: name, line: line.number,
                                                  "unreadable line outside any dump, skipped"))
                } else if earlyJunk.count < warningLimit {
                    earlyJunk.append(line.number)
                }
            }
            try scanners.finish(into: &assembler)
        } catch let failure as ReadFailure {
            throw CaptureError(Diagnostic(.error, file: name, failure.message), exitStatus: 74)
        }
        if !sawDump {
            if sawContent && !sawMarkers {
                throw CaptureError(Diagnostic(.error, file: name, "not an iptables or nftables dump"), exitStatus: 65)
            }
            try assembler.endFile()
            return Diagnostic(.warning, file: name, sawContent ? "no dump in file" : "empty file, no snapshot")
        }
        try assembler.endFile()
        return nil
    }

    /// Which dump a line begins, from its first bytes.
    private func detect(_ t: ByteSlice) -> _SectionScanners.Mode? {
        let mode: _SectionScanners.Mode?
        switch t[0] {
        case UInt8(ascii: "C") where t.hasPrefix("Chain ") && t.firstIndex(of: ASCII.openParen) != nil:
            mode = .listing
        case ASCII.star where t.count > 1 && ASCII.isLetter(t[1]):
            mode = .save
        case ASCII.colon where t.count > 1 && t.firstIndex(of: ASCII.openBracket) != nil:
            mode = .save
        case ASCII.openBracket where t.firstRange(of: "] -A ") != nil:
            mode = .save
        case ASCII.dash where t.hasPrefix("-A "):
            mode = .save
        case ASCII.hash where t.hasPrefix("# Generated by ") && t.firstRange(of: "tables") != nil:
            mode = .save
        case ASCII.hash where t.hasPrefix("# Warning: ") && t.firstRange(of: "tables-legacy tables present") != nil
                                && t.firstRange(of: "-save") == nil:
            // iptables-nft's `-L` header (on stderr, kept by a capture that takes it); whose
            // tables it warns of says the listing's family.
            mode = .listing
        case UInt8(ascii: "t") where t.hasPrefix("table ") && t.firstIndex(of: ASCII.openBrace) != nil:
            mode = .nft
        case ASCII.openBrace:
            mode = .json
        default:
            mode = nil
        }
        guard let mode, let forced = options.format else { return mode }
        return Self.mode(forced) == mode ? mode : nil
    }

    private static func mode(_ format: DumpFormat) -> _SectionScanners.Mode {
        switch format {
        case .listing: return .listing
        case .save: return .save
        case .nft: return .nft
        case .nftJSON: return .json
        }
    }

    /// `# egress ok=N total=N`
    static func egress(_ t: ByteSlice) -> EgressSample? {
        var ok: UInt64?
        var total: UInt64?
        for field in t.dropFirst(8).fields() {
            guard let eq = field.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let key = field.slice(0, eq)
            let value = field.dropFirst(eq + 1).decimal
            if key == "ok" { ok = value } else if key == "total" { total = value } else { return nil }
        }
        guard let ok, let total, ok <= total else { return nil }
        return EgressSample(ok: ok, total: total)
    }

    /// `# tcp ns=ID active=N fails=N synretrans=N rsts=N [refused=N]`; keys in any order,
    /// unknown keys (counters a later version may add) skipped.
    static func tcp(_ t: ByteSlice) -> TCPReading? {
        var ns: String?
        var active: UInt64?
        var fails: UInt64?
        var synRetrans: UInt64?
        var rsts: UInt64?
        var refused: UInt64 = 0
        for field in t.dropFirst(6).fields() {
            guard let eq = field.firstIndex(of: UInt8(ascii: "=")), eq > 0 else { return nil }
            let key = field.slice(0, eq)
            let value = field.dropFirst(eq + 1)
            if key == "ns" {
                guard !value.isEmpty else { return nil }
                ns = value.string
                continue
            }
            let known = key == "active" || key == "fails" || key == "synretrans" || key == "rsts" || key == "refused"
            guard known else { continue }
            guard let n = value.decimal else { return nil }
            if key == "active" { active = n } else if key == "fails" { fails = n }
            else if key == "synretrans" { synRetrans = n } else if key == "rsts" { rsts = n } else { refused = n }
        }
        guard let ns, let active, let fails, let synRetrans, let rsts, refused <= fails else { return nil }
        return TCPReading(namespace: ns, active: active, fails: fails, synRetrans: synRetrans, rsts: rsts, refused: refused)
    }
}
