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

    /// The slots, in memory from `_ArenaMemory`: a kube node's table needs 16,384 of them
    /// (384 KB), which a fresh array faulted in again on every parse.
    private final class Slots {
        let base: UnsafeMutablePointer<Slot>
        let count: Int
        private let bytes: Int

        init(count: Int) {
            let (raw, bytes) = _ArenaMemory.allocate(count * MemoryLayout<Slot>.stride)
            self.bytes = bytes
            self.count = count
            base = raw.bindMemory(to: Slot.self, capacity: count)
            base.initialize(repeating: Slot(), count: count)
        }

        deinit { _ArenaMemory.release(UnsafeMutableRawPointer(base), capacity: bytes) }
    }

    private var slots = Slots(count: 0)
    private var used = 0

    /// The slot of the chain named `name` (bytes `raw[name]`), added with position 0 when new.
    mutating func slot(for name: ArenaRange, in raw: UnsafeRawBufferPointer) -> Int {
        // Up to three quarters full: a kube node's 12,000 chains fit 16,384 slots (384 KB).
        if (used + 1) * 4 > slots.count * 3 { grow() }
        let bytes = UnsafeRawBufferPointer(rebasing: raw[Int(name.start)..<Int(name.end)])
        let hash = StableHasher.hash(bytes) | 1
        let mask = slots.count - 1
        let base = slots.base
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let s = base[i]
            if s.hash == 0 {
                base[i] = Slot(hash: hash, name: name, position: 0)
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
        get { slots.base[slot].position }
        nonmutating set { slots.base[slot].position = newValue }
    }

    /// Forgets every chain, keeping the room.
    mutating func removeAll() {
        guard used > 0 else { return }
        slots.base.update(repeating: Slot(), count: slots.count)
        used = 0
    }

    private mutating func grow() {
        let old = slots
        slots = Slots(count: Swift.max(64, old.count * 2))
        let mask = slots.count - 1
        for k in 0..<old.count where old.base[k].hash != 0 {
            let s = old.base[k]
            var i = Int(truncatingIfNeeded: s.hash) & mask
            while slots.base[i].hash != 0 { i = (i + 1) & mask }
            slots.base[i] = s
        }
    }
}
