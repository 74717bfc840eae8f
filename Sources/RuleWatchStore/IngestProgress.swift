/// How far an ingest has come, for a progress line: a long capture is read (bytes), then
/// its snapshots stored one transaction each.
public enum IngestProgress: Sendable, Hashable {
    /// Bytes of the input parsed so far, of `total` when known.
    case reading(bytes: Int, total: Int?)
    /// Snapshots of the parsed input stored so far (0 as storing begins), of `total`.
    case storing(snapshots: Int, total: Int)
}
