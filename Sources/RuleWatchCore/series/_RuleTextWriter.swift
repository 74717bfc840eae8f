/// The block a `CaptureHistory` writes texts into and how full it is. A class, so that a
/// copy of the history shares it and either copy can tell (`isKnownUniquelyReferenced`)
/// that it must start a block of its own before writing.
final class _RuleTextWriter {
    let block: _RuleTextBlock
    /// Changed only by the history that alone holds the writer, so unchecked.
    @exclusivity(unchecked) var used = 0

    init(capacity: Int) { block = _RuleTextBlock(capacity: capacity) }
}
