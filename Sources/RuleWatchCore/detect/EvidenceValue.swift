/// The numbers behind a finding, as an ordered JSON-like tree (the report writes it as is).
public indirect enum EvidenceValue: Sendable, Hashable {
    case int(Int64)
    case double(Double)
    case string(String)
    case bool(Bool)
    case null
    case array([EvidenceValue])
    case object([EvidenceField])

    static func uint(_ v: UInt64) -> EvidenceValue { .int(Int64(clamping: v)) }
    static func time(_ ns: Int64?) -> EvidenceValue { ns.map { .string(CivilTime.iso8601(nanoseconds: $0)) } ?? .null }
    /// A rate rounded to 3 decimals, so reports stay readable and stable.
    static func rounded(_ v: Double?) -> EvidenceValue {
        guard let v, v.isFinite else { return .null }
        return .double((v * 1000).rounded() / 1000)
    }
}

/// One key of an evidence object.
public struct EvidenceField: Sendable, Hashable {
    public var key: String
    public var value: EvidenceValue
    public init(_ key: String, _ value: EvidenceValue) { self.key = key; self.value = value }
}
