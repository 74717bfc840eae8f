/// What an open JSON container is in the nft schema, by its place:
///
/// ```
/// {"nftables": [ {"rule": {"family": "ip", ..., "expr": [ {"counter": {"packets": 1, ...}} ]}} ]}
/// top          nftables item  body                       expr statement  counter
/// ```
///
/// `other` is everything the scanner only steps over (and copies, inside a rule's `expr`).
enum _JSONRole: UInt8 {
    case other
    /// The document's object.
    case top
    /// The array under `nftables`.
    case nftables
    /// One element of it: `{"table": {...}}`, `{"chain": {...}}`, `{"rule": {...}}`, ...
    case item
    /// The object an item holds.
    case body
    /// A rule's `expr` array.
    case expr
    /// One statement of it: `{"match": ...}`, `{"counter": ...}`, `{"accept": null}`, ...
    case statement
    /// An anonymous counter's `{"packets": N, "bytes": M}`.
    case counter
    /// `jump` / `goto`'s `{"target": "CHAIN"}`.
    case jump
    /// iptables-nft's `{"type": "target", "name": "REDIRECT"}`.
    case xt
    /// A verdict map's `{"key": ..., "data": {"set": [[7, {"accept": null}], ...]}}` or
    /// `"data": "@m"` (rules only).
    case vmap
}
