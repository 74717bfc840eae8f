/// How to read a capture: what the user said outright, where a dump cannot say it.
public struct ParseOptions: Sendable {
    /// Read every section as this format instead of detecting it.
    public var format: DumpFormat?
    /// The table a listing shows (a listing has no table header; without this it is inferred
    /// from the built-in chains). `security` has filter's chains, so it must be said.
    public var table: String?
    /// The family of a listing or save that does not show its addresses.
    public var family: Family?
    /// The zone of timestamps that carry none.
    public var timeZone: TimeZoneSpec = .utc
    /// Unreadable lines are errors, not warnings.
    public var strict = false

    public init(format: DumpFormat? = nil, table: String? = nil, family: Family? = nil,
                timeZone: TimeZoneSpec = .utc, strict: Bool = false) {
        self.format = format
        self.table = table
        self.family = family
        self.timeZone = timeZone
        self.strict = strict
    }
}
