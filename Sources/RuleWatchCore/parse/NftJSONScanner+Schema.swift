import Glibc

// What the tokenizer's events mean in the nft schema: which keys and values are read, and
// where a table, chain or rule begins and ends. See `_JSONRole` for the layout.

extension NftJSONScanner {
    // The readings below are `mutating` though they change nothing: a non-mutating method
    // called from a mutating one gets a copy of the whole scanner (a `memcpy` of its
    // hundreds of bytes per key, string and container); a mutating one gets its address.
    @inline(__always)
    var currentRole: _JSONRole { mutating get { depth < roles.count ? roles[depth] : .other } }

    /// The role of a container about to open at `depth + 1`.
    @inline(__always)
    mutating func childRole(object: Bool) -> _JSONRole {
        switch currentRole {
        case .other: return depth == 0 && object ? .top : .other
        case .top: return !object && topKey == .nftables ? .nftables : .other
        case .nftables: return object ? .item : .other
        case .item: return object ? .body : .other
        case .body: return !object && bodyField == .expr && itemKind == .rule ? .expr : .other
        case .expr: return object ? .statement : .other
        case .statement:
            guard object else { return .other }
            switch statementKey {
            case .counter: return .counter
            // Targets matter only to stored rules: the summary path skips them.
            case .jump, .goto: return wantsRules ? .jump : .other
            case .xt: return wantsRules ? .xt : .other
            case .vmap: return wantsRules ? .vmap : .other
            default: return .other
            }
        case .counter, .jump, .xt, .vmap: return .other
        }
    }

    mutating func opened<R: TableReceiver>(_ role: _JSONRole, into receiver: inout R) throws {
        switch role {
        case .other: break
        case .top: topKey = .other
        case .nftables: break
        case .item:
            itemKind = .other
            itemLine = lineNumber
        case .body:
            bodyField = .other
            beginObject()
        case .expr:
            guard wantsRules else { break }
            ruleText.reset()
            textActive = true
            textSuppressed = false
            textFull = false
            textOn = true
        case .statement:
            statementKey = .other
        case .counter:
            // `{"counter": {"packets": N, "bytes": M}}` reads `{"counter":null}` in the text
            // (rewritten when it closes); `{"counter": {"map": ...}}` names counter objects.
            innerField = .other
            counterSeen = false
            rulePackets = 0
            ruleBytes = 0
            counterTextStart = ruleText.count
        case .vmap:
            innerField = .other
            vmapDepth = depth
            vmapVerdicts = 0
            vmapNamed = false
        case .jump:
            innerField = .other
        case .xt:
            innerField = .other
            xtType.reset()
            xtName.reset()
        }
    }

    mutating func closed<R: TableReceiver>(_ role: _JSONRole, into receiver: inout R) throws {
        switch role {
        case .top:
            if tableOpen { try emitTable(into: &receiver) }
        case .body:
            try endObject(into: &receiver)
        case .expr:
            textActive = false
            textOn = false
        case .counter:
            guard counterSeen else { break }
            ruleCounted = true
            if textOn {
                ruleText.truncate(to: counterTextStart)
                appendText("null")
            }
        case .vmap:
            vmapDepth = 0
            if wantsRules && !vmapNamed {
                let target = _NftVerdictMaps.vmapTarget(verdicts: vmapVerdicts)
                Self.copy(target, target.count, to: ruleTarget)
            }
        case .xt:
            if wantsRules && xtType.slice == "target" {
                ruleTarget.reset()
                ruleTarget.append(xtName.slice)
            }
        case .other, .nftables, .item, .statement, .jump:
            break
        }
    }

    /// A body opens: forget the last object.
    mutating func beginObject() {
        objectFamily = nil
        objectFamilyUnknown = false
        objectHas = []
        objectTableIsCurrent = false
        ruleCounted = false
        counterSeen = false
        rulePackets = 0
        ruleBytes = 0
        ruleHandle = 0
        if !bindingBodies.isEmpty { bindingBodies.removeAll() }
        if wantsRules {
            ruleTarget.reset()
            ruleText.reset()
        }
    }

    @inline(__always)
    mutating func keyIsCaptured() -> Bool {
        switch currentRole {
        case .top, .item, .body, .statement, .counter, .jump, .xt, .vmap: return true
        case .other: return vmapDepth > 0
        case .nftables, .expr: return false
        }
    }

    mutating func keyRead() {
        let key = captureCut ? .other : Self.capturedKey(capture, captureCount)
        switch currentRole {
        case .top: topKey = key
        case .item: itemKind = key
        case .body: bodyField = key
        case .statement:
            statementKey = key
            if wantsRules && key.isVerdict { Self.copy(capture, captureCount, to: ruleTarget) }
        case .counter, .jump, .xt, .vmap: innerField = key
        case .other:
            if vmapDepth > 0 && !captureCut { vmapVerdicts |= Self.captured(capture, captureCount) { _NftVerdictMaps.mapVerdictBit($0) } }
        case .nftables, .expr: break
        }
    }

    @inline(__always)
    mutating func valueStringIsCaptured() -> Bool {
        switch currentRole {
        case .body:
            switch bodyField {
            case .family, .table: return true
            case .name: return itemKind == .table || (wantsRules && (itemKind == .chain || itemKind == .counter))
            case .chain: return wantsRules && itemKind == .rule
            case .hook, .policy: return wantsRules && itemKind == .chain
            default: return false
            }
        case .jump: return wantsRules && innerField == .target
        case .xt: return wantsRules && (innerField == .type || innerField == .name)
        case .vmap: return innerField == .data
        case .expr: return true
        default: return false
        }
    }

    mutating func stringValueRead() {
        switch currentRole {
        case .body:
            switch bodyField {
            case .family:
                objectFamily = Self.captured(capture, captureCount) { Family(keyword: $0) }
                objectFamilyUnknown = objectFamily == nil
            case .table:
                // Most objects are of the table in progress: compare now, copy only if not.
                objectHas.insert(.table)
                objectTableIsCurrent = tableOpen && Self.captured(capture, captureCount, equals: tableKey)
                if !objectTableIsCurrent { Self.copy(capture, captureCount, to: &objectTable) }
            case .name:
                Self.copy(capture, captureCount, to: &objectName)
                objectHas.insert(.name)
            case .chain:
                Self.copy(capture, captureCount, to: objectChain)
                objectHas.insert(.chain)
            case .hook:
                Self.copy(capture, captureCount, to: &objectHook)
                objectHas.insert(.hook)
            case .policy:
                Self.copy(capture, captureCount, to: &objectPolicy)
                objectHas.insert(.policy)
            default:
                break
            }
        case .jump:
            Self.copy(capture, captureCount, to: ruleTarget)
        case .xt:
            Self.copy(capture, captureCount, to: innerField == .type ? xtType : xtName)
        case .vmap:
            vmapNamed = true
            ruleTarget.reset()
            ruleTarget.append("vmap ")
            capture.withUnsafeBytes { ruleTarget.append($0.baseAddress!, captureCount) }
        case .expr:
            stringStatementRead()
        default:
            break
        }
    }

    /// A statement nft printed as a string: a chain binding, `jump {\n\t\t\tRULE\n...}`, whose
    /// body is kept for the rule's end and stands as `"jump {}"` in the rule's text.
    mutating func stringStatementRead() {
        guard !captureCut, captureCount >= 7, itemKind == .rule else { return }
        let isBinding = Self.captured(capture, captureCount) { s in
            (s.hasPrefix("jump {") || s.hasPrefix("goto {")) && s[s.count - 1] == ASCII.closeBrace
        }
        guard isBinding else { return }
        bindingBodies.append(Array(capture[6..<(captureCount - 1)]))
        if textOn {
            ruleText.truncate(to: stringStart)
            appendText(ASCII.quote)
            appendText(capture.withUnsafeBytes { $0.baseAddress! }, 6)
            appendText("}\"")
        }
    }

    /// Copies, never assigns: the buffers keep their own storage, so nothing is allocated.
    /// Static, so that writing one field does not copy the whole scanner. The fields read for
    /// every rule are `ByteScratch`es instead: emptying an array goes through a generic
    /// `replaceSubrange`, a few hundred instructions.
    static func copy(_ bytes: [UInt8], _ count: Int, to buffer: inout [UInt8]) {
        buffer.removeAll(keepingCapacity: true)
        // From a typed buffer the append is one `memcpy`; from a raw one it goes byte by byte.
        bytes.withUnsafeBufferPointer { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<count])) }
    }

    /// Copies into a scratch buffer (a rule's chain and target, written for every rule).
    static func copy(_ bytes: [UInt8], _ count: Int, to buffer: ByteScratch) {
        buffer.reset()
        if count > 0 { bytes.withUnsafeBytes { buffer.append($0.baseAddress!, count) } }
    }

    /// Lends the string just captured. Static, taking the buffer: a method of `self` called
    /// from a mutating one with a closure makes Swift copy the whole scanner, every call.
    @inline(__always)
    static func captured<T>(_ capture: [UInt8], _ count: Int, _ body: (ByteSlice) -> T) -> T {
        capture.withUnsafeBytes { body(ByteSlice(UnsafeRawBufferPointer(rebasing: $0[0..<count]))) }
    }

    /// The key just captured: `capture` is at least `maxCapture` bytes long, so its first
    /// sixteen can be read whole and masked to the key's length.
    @inline(__always)
    static func capturedKey(_ capture: [UInt8], _ count: Int) -> _JSONKey {
        guard count >= 2 && count <= 10 else { return .other }
        return capture.withUnsafeBytes { c in
            let first = UInt64(littleEndian: c.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            let w = count >= 8 ? first : first & ((1 << (8 * UInt64(count))) &- 1)
            let tail = count == 10 ? UInt64(littleEndian: c.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) & 0xFFFF : 0
            return _JSONKey(packed: w, tail, count: count)
        }
    }

    /// The string just captured is `bytes`.
    @inline(__always)
    static func captured(_ capture: [UInt8], _ count: Int, equals bytes: [UInt8]) -> Bool {
        count == bytes.count && capture.withUnsafeBytes { c in
            bytes.withUnsafeBytes { count == 0 || memcmp(c.baseAddress!, $0.baseAddress!, count) == 0 }
        }
    }

    @inline(__always)
    mutating func valueNumberField() -> _JSONKey {
        switch currentRole {
        case .counter: return innerField == .packets || innerField == .bytes ? innerField : .other
        case .body:
            if bodyField == .handle { return wantsRules && itemKind == .rule ? .handle : .other }
            return itemKind == .counter && (bodyField == .packets || bodyField == .bytes) ? bodyField : .other
        default: return .other
        }
    }

    mutating func numberRead(_ value: UInt64) {
        counterSeen = true
        if numberField == .packets { rulePackets = value } else { ruleBytes = value }
    }
}
