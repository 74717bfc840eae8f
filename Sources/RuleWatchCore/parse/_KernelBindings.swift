import Glibc

/// Chain bindings that `nft -j` lists as a chain and rules of their own, under the name the
/// kernel gave the binding (`__chain0`), with the binding rule jumping to it
/// (`{"jump": {"target": "__chain0"}}`). That name changes whenever the ruleset is loaded,
/// so the chain is renamed as the text format names it: by where it is bound,
/// `CHAIN{BINDING RULE}`, the rule's jump written `"jump {}"` as the older `nft -j` prints
/// a binding. Its rules then keep their series across reloads and across nft versions.
enum _KernelBindings {
    /// Asked of every nft -j rule's chain and target: a `memcmp`, where the generic
    /// `starts(with:)` walked an iterator.
    static func isKernelName(_ name: ByteSlice) -> Bool {
        name.count > 7 && memcmp(name.base.baseAddress!, "__chain", 7) == 0
    }

    static func isKernelName(_ name: [UInt8]) -> Bool {
        name.withUnsafeBytes { isKernelName(ByteSlice($0)) }
    }

    /// Renames the table's kernel-named binding chains that a rule of the table binds.
    static func rename(_ table: inout ParsedTable) {
        var records = table.rules.records.withUnsafeBufferPointer { Array($0) }
        func bytes(_ r: ArenaRange) -> [UInt8] {
            table.rules.bytes.withUnsafeBytes { Array($0[Int(r.start)..<Int(r.end)]) }
        }
        var binder: [[UInt8]: Int] = [:]
        for (i, r) in records.enumerated() {
            let target = bytes(r.target)
            if isKernelName(target) { binder[target] = i }
        }
        var stable: [[UInt8]: ArenaRange] = [:]
        var boundText: [Int: ArenaRange] = [:]
        func resolve(_ name: [UInt8], depth: Int) -> ArenaRange? {
            if let known = stable[name] { return known }
            guard depth < 16, let i = binder[name] else { return nil }
            var outer = bytes(records[i].chain)
            if isKernelName(outer) {
                guard let o = resolve(outer, depth: depth + 1) else { return nil }
                outer = bytes(o)
            }
            let text = unbound(bytes(records[i].text), name)
            boundText[i] = text.withUnsafeBytes { table.rules.store(ByteSlice($0)) }
            let full = outer + [ASCII.openBrace] + text + [ASCII.closeBrace]
            let range = full.withUnsafeBytes { table.rules.store(ByteSlice($0)) }
            stable[name] = range
            return range
        }
        for name in binder.keys { _ = resolve(name, depth: 0) }
        guard !stable.isEmpty else { return }
        for i in records.indices {
            if let renamed = stable[bytes(records[i].chain)] { records[i].chain = renamed }
            if let text = boundText[i] {
                records[i].text = text
                records[i].target = stable[bytes(records[i].target)] ?? records[i].target
            }
        }
        table.rules.records.removeAll()
        for r in records { table.rules.append(r) }
        let chainNames = table.rules.chainRecords.withUnsafeBufferPointer { $0.map { bytes($0.name) } }
        table.rules.withMutableChainRecords { chains in
            for k in chains.indices {
                guard isKernelName(chainNames[k]), let renamed = stable[chainNames[k]] else { continue }
                chains[k].name = renamed
            }
        }
    }

    /// The binding rule's text with `{"jump":{"target":"__chain0"}}` written `"jump {}"`.
    static func unbound(_ text: [UInt8], _ name: [UInt8]) -> [UInt8] {
        for verb in ["jump", "goto"] {
            let pattern = Array("{\"\(verb)\":{\"target\":\"".utf8) + name + Array("\"}}".utf8)
            guard pattern.count <= text.count else { continue }
            for start in 0...(text.count - pattern.count) where text[start..<start + pattern.count].elementsEqual(pattern) {
                return Array(text[..<start]) + Array("\"\(verb) {}\"".utf8) + Array(text[(start + pattern.count)...])
            }
        }
        return text
    }
}
