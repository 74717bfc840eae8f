/// A chain a capture showed at least once, as last declared.
public struct HistoryChain: Sendable, Hashable {
    /// Index into `CaptureHistory.tables`.
    public var table: Int
    public var name: String
    /// `prerouting`, `output`, ... for built-in and nft base chains.
    public var hook: String?
    public var policy: String?
}
