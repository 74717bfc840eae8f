/// A table a capture showed at least once.
public struct HistoryTable: Sendable, Hashable {
    public var family: Family
    public var name: String
    public var format: DumpFormat
}
