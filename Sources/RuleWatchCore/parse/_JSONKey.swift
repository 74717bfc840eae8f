/// The object keys of `nft -j` output the scanner acts on; any other key is `.other`.
enum _JSONKey: UInt8 {
    case other
    case nftables
    // Item kinds.
    case table, chain, rule
    // Body fields.
    case family, name, hook, policy, expr, handle
    // Statements and their fields.
    case counter, packets, bytes, jump, goto, target, xt, type, vmap, data
    // Verdict-like statements, whose key is the rule's target: keep them last.
    case accept, drop, `return`, `continue`, queue, reject, redirect, dnat, snat, masquerade, tproxy

    /// A statement that names the rule's target by its key.
    var isVerdict: Bool { rawValue >= _JSONKey.accept.rawValue }

    /// The key in `s`, its bytes packed into words: one compare per candidate, not a call
    /// to `memcmp` per candidate.
    init(_ s: ByteSlice) {
        let n = s.count
        guard n >= 2 && n <= 10, let p = s.base.baseAddress else {
            self = .other
            return
        }
        var w: UInt64 = 0
        for k in 0..<Swift.min(n, 8) { w |= UInt64(p.load(fromByteOffset: k, as: UInt8.self)) << (8 * k) }
        let tail = n == 10 ? UInt64(p.load(fromByteOffset: 8, as: UInt8.self)) | UInt64(p.load(fromByteOffset: 9, as: UInt8.self)) << 8 : 0
        self.init(packed: w, tail, count: n)
    }

    /// The key of `count` bytes whose first eight are `w` (little-endian, zero past the
    /// end) and whose ninth and tenth are `tail`.
    @inline(__always)
    init(packed w: UInt64, _ tail: UInt64, count n: Int) {
        switch n {
        case 2:
            self = w == 0x7478 ? .xt : .other
        case 4:
            switch w {
            case 0x656c7572: self = .rule
            case 0x656d616e: self = .name
            case 0x72707865: self = .expr
            case 0x65707974: self = .type
            case 0x706d756a: self = .jump
            case 0x6f746f67: self = .goto
            case 0x706f7264: self = .drop
            case 0x6b6f6f68: self = .hook
            case 0x74616e64: self = .dnat
            case 0x74616e73: self = .snat
            case 0x70616d76: self = .vmap
            case 0x61746164: self = .data
            default: self = .other
            }
        case 5:
            switch w {
            case 0x656c626174: self = .table
            case 0x6e69616863: self = .chain
            case 0x7365747962: self = .bytes
            case 0x6575657571: self = .queue
            default: self = .other
            }
        case 6:
            switch w {
            case 0x796c696d6166: self = .family
            case 0x747065636361: self = .accept
            case 0x746567726174: self = .target
            case 0x7963696c6f70: self = .policy
            case 0x6e7275746572: self = .return
            case 0x7463656a6572: self = .reject
            case 0x79786f727074: self = .tproxy
            case 0x656c646e6168: self = .handle
            default: self = .other
            }
        case 7:
            switch w {
            case 0x7265746e756f63: self = .counter
            case 0x7374656b636170: self = .packets
            default: self = .other
            }
        case 8:
            switch w {
            case 0x73656c626174666e: self = .nftables
            case 0x65756e69746e6f63: self = .continue
            case 0x7463657269646572: self = .redirect
            default: self = .other
            }
        case 10:
            self = w == 0x617265757173616d && tail == 0x6564 ? .masquerade : .other
        default:
            self = .other
        }
    }
}
