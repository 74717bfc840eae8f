/// Takes no tables: a chain binding's rules come alone, and a `table` line inside one is junk.
struct _NoTables: TableReceiver {
    mutating func receive(_ table: inout ParsedTable) {}
    mutating func warn(line: Int, _ message: String) {}
}
