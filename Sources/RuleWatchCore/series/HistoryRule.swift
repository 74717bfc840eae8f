/// A rule identity seen in a capture: its text once, however many snapshots show it.
public struct HistoryRule: Sendable {
    /// The identity's full 64-bit hash.
    public var key: UInt64
    /// The short stable id: 12 hex digits of the identity's hash (its top 48 bits).
    public var id: String { CaptureHistory.ruleID(key) }
    /// Index into `CaptureHistory.tables` and `.chains`.
    public var table: Int
    public var chain: Int
    public var target: String { texts.string(at: textStart, count: targetCount) }
    public var targetClass: TargetClass
    /// The rule as the dump first printed it; for a policy counter `policy DROP`.
    public var text: String { texts.string(at: textStart + targetCount, count: textCount) }
    /// The identity in canonical form (`RuleIdentityNormalizer`'s), fields apart by `0x1F`.
    public var canonical: String {
        texts.string(at: textStart + targetCount + textCount, count: canonicalCount)
    }
    public var format: DumpFormat
    /// 0 for the first of identical rules in a chain, 1 for the second, ...
    public var occurrence: Int
    /// A chain's policy counter, kept as a rule.
    public var isPolicy: Bool
    /// A named counter object (nft `counter c1 { ... }`), kept as a series like a rule's
    /// but not one: no chain (its chain is named ``), its text `counter c1`.
    public var isObject = false
    /// nft's handle for it in the latest snapshot that showed it (`nft -a`, `nft -j`); 0 when
    /// that snapshot printed none. Not part of its identity: a reloaded ruleset numbers its
    /// rules afresh. Declared here, it takes padding: the record does not grow.
    public var handle: UInt32 = 0
    /// The first snapshot that showed it, and its position in its chain there.
    public var firstSnapshot: Int
    public var firstPosition: Int

    /// Target, text and canonical form, one after the other from `textStart`.
    let texts: _RuleTextBlock
    let textStart: Int32
    let targetCount: Int32
    let textCount: Int32
    let canonicalCount: Int32

    /// What it catches and does, read from `canonical` on demand (few rules ever need it,
    /// so ingesting does not pay for it).
    public var traits: RuleTraits {
        var t = RuleTraits(canonical: isPolicy ? "" : canonical, format: format, target: target)
        t.targetClass = targetClass
        return t
    }
}
