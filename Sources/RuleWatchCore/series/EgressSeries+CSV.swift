extension EgressSeries {
    /// Reads an egress CSV: a header naming `time`, `ok` and `total` (in any order, other
    /// columns ignored), then a row per interval. Times as the capture's timestamp lines
    /// (ISO 8601, `date` output, `@epoch`); a time without a zone is read in `zone`. Blank
    /// lines and lines starting with `#` are skipped.
    ///
    /// - Throws: `CaptureError` (status 65) naming the file and line of the first bad row.
    public static func parseCSV(_ bytes: [UInt8], file: String, zone: TimeZoneSpec = .utc) throws -> EgressSeries {
        var rows: [Row] = []
        var columns: (time: Int, ok: Int, total: Int)?
        var lineNumber = 0
        func fail(_ message: String) -> CaptureError {
            CaptureError(Diagnostic(.error, file: file, line: lineNumber, message), exitStatus: 65)
        }
        try bytes.withUnsafeBytes { raw in
            let all = ByteSlice(raw)
            var start = 0
            while start < all.count {
                let end = all.firstIndex(of: ASCII.newline, from: start) ?? all.count
                let line = all.slice(start, end).trimmed
                start = end + 1
                lineNumber += 1
                if line.isEmpty || line[0] == ASCII.hash { continue }
                let cells = Self.cells(line)
                guard let c = columns else {
                    let names = cells.map { $0.string.lowercased() }
                    guard let t = names.firstIndex(of: "time"), let o = names.firstIndex(of: "ok"),
                          let n = names.firstIndex(of: "total") else {
                        throw fail("expected a header naming the columns time,ok,total")
                    }
                    columns = (t, o, n)
                    continue
                }
                guard cells.count > max(c.time, c.ok, c.total) else { throw fail("expected \(max(c.time, c.ok, c.total) + 1) columns") }
                guard let time = TimestampParser.line(cells[c.time], zone: zone) else {
                    throw fail("unreadable time '\(cells[c.time].string)'")
                }
                guard let ok = cells[c.ok].decimal, let total = cells[c.total].decimal, ok <= total else {
                    throw fail("ok and total must be whole numbers, ok at most total")
                }
                rows.append(Row(time: time, sample: EgressSample(ok: ok, total: total)))
            }
        }
        if columns == nil { throw fail("empty egress file: expected a header time,ok,total") }
        return EgressSeries(rows: rows)
    }

    private static func cells(_ line: ByteSlice) -> [ByteSlice] {
        var out: [ByteSlice] = []
        var start = 0
        while true {
            let end = line.firstIndex(of: ASCII.comma, from: start) ?? line.count
            var cell = line.slice(start, end).trimmed
            if cell.count >= 2, cell[0] == ASCII.quote, cell[cell.count - 1] == ASCII.quote { cell = cell.slice(1, cell.count - 1) }
            out.append(cell)
            if end >= line.count { break }
            start = end + 1
        }
        return out
    }
}
