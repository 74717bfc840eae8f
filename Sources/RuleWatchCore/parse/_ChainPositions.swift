/// How far each chain's rules have been numbered, for an iptables-save table whose chains'
/// rules are not together (iptables-save keeps them together; a hand-edited file may not).
///
/// Open addressing over the chain names in the table's arena: one hash and one probe when a
/// rule's chain differs from the last rule's, none otherwise. A `Dictionary` keyed by the
/// name's hash took two Swift `Hasher` rounds and two probes per chain change, a tenth of
/// storing a kube node's save (12,000 chains for 33,000 rules).
struct _ChainPositions {
    struct Slot {
        /// 0: empty (a name's hash is never 0).
        var hash: UInt64 = 0
        var name = ArenaRange.empty
        var position: Int32 = 0
    }

    private var slots: [Slot] = []
    private var used = 0

    /// The slot of the chain named `name` (bytes `raw[name]`), added with position 0 when new.
    mutating func slot(for name: ArenaRange, in raw: UnsafeRawBufferPointer) -> Int {
        if (used + 1) * 2 > slots.count { grow(raw) }
        let bytes = UnsafeRawBufferPointer(rebasing: raw[Int(name.start)..<Int(name.end)])
        let hash = StableHasher.hash(bytes) | 1
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let s = slots[i]
            if s.hash == 0 {
                slots[i] = Slot(hash: hash, name: name, position: 0)
                used += 1
                return i
            }
            if s.hash == hash, ByteSlice(UnsafeRawBufferPointer(rebasing: raw[Int(s.name.start)..<Int(s.name.end)]))
                == ByteSlice(bytes) {
                return i
            }
            i = (i + 1) & mask
        }
    }

    subscript(slot: Int) -> Int32 {
        get { slots[slot].position }
        set { slots[slot].position = newValue }
    }

    /// Forgets every chain, keeping the room.
    mutating func removeAll() {
        guard used > 0 else { return }
        for i in slots.indices { slots[i] = Slot() }
        used = 0
    }

    private mutating func grow(_ raw: UnsafeRawBufferPointer) {
        let old = slots
        slots = Array(repeating: Slot(), count: Swift.max(64, old.count * 2))
        let mask = slots.count - 1
        for s in old where s.hash != 0 {
            var i = Int(truncatingIfNeeded: s.hash) & mask
            while slots[i].hash != 0 { i = (i + 1) & mask }
            slots[i] = s
        }
    }
}
