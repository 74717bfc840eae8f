/// Which name fields an nft JSON object had: a name may be empty, so its length cannot say.
struct _JSONFields: OptionSet {
    var rawValue: UInt8
    static let table = _JSONFields(rawValue: 1)
    static let name = _JSONFields(rawValue: 2)
    static let chain = _JSONFields(rawValue: 4)
    static let hook = _JSONFields(rawValue: 8)
    static let policy = _JSONFields(rawValue: 16)
}
