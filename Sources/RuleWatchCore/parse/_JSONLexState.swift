/// Where the nft JSON tokenizer stands between two bytes.
///
/// The `value...afterValue` states wait for a token (blanks skipped); `string`, `escape`,
/// `unicode`, `number` and `literal` are inside one, which may run on into the next piece.
enum _JSONLexState: UInt8 {
    /// A value must come (after `:`, after `,` in an array, at the start).
    case value
    /// Just after `[`: a value or `]`.
    case valueOrClose
    /// After `,` in an object: a key must come.
    case key
    /// Just after `{`: a key or `}`.
    case keyOrClose
    case colon
    /// After a value: `,` or the container's close.
    case afterValue
    case string
    /// After a backslash in a string.
    case escape
    /// Inside the four hex digits of `\uXXXX`.
    case unicode
    case number
    /// Inside `true`, `false` or `null`.
    case literal
    /// The top-level object has closed.
    case done
    /// A syntax error: the rest of the document is skipped.
    case broken
    /// Inside a container the summary path does not read (a rule's match, a set's
    /// elements): only its brackets and strings are followed, to find where it ends.
    case skip
}
