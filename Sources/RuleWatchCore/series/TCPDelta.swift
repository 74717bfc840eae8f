/// What one network namespace's TCP counters did over one interval (see `TCPReading`).
public struct TCPDelta: Sendable, Hashable {
    public var namespace: String
    /// Connections begun, attempts failed, SYNs sent again, resets sent.
    public var active: UInt64
    public var fails: UInt64
    public var synRetrans: UInt64
    public var rsts: UInt64
    /// The part of `fails` refused before any retransmission.
    public var refused: UInt64
    /// The namespace was not read at the previous snapshot, or its counters went down (a
    /// namespace made again under the same name or inode): the delta counts from zero.
    public var fromZero: Bool

    public var isHost: Bool { namespace == TCPReading.hostNamespace }

    /// From `previous` (the same namespace's reading at the previous snapshot, if any) to
    /// `current`; never negative.
    public init(from previous: TCPReading?, to current: TCPReading) {
        namespace = current.namespace
        if let p = previous, current.active >= p.active, current.fails >= p.fails,
           current.synRetrans >= p.synRetrans, current.rsts >= p.rsts, current.refused >= p.refused {
            active = current.active - p.active
            fails = current.fails - p.fails
            synRetrans = current.synRetrans - p.synRetrans
            rsts = current.rsts - p.rsts
            refused = min(current.refused - p.refused, fails)
            fromZero = false
        } else {
            active = current.active
            fails = current.fails
            synRetrans = current.synRetrans
            rsts = current.rsts
            refused = current.refused
            fromZero = true
        }
    }
}
