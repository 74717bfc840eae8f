/// How far each chain's rules have been numbered, for an iptables-save table whose chains'
/// rules are not together (iptables-save keeps them together; a hand-edited file may not).
///
/// Open addressing over the chain names in the table's arena: one hash and one probe when a
/// rule's chain differs from the last rule's, none otherwise. A `Dictionary` keyed by the
/// name's hash took two Swift `Hasher` rounds and two probes per chain change, a tenth of
/// storing a kube node's save (12,000 chains for 33,000 rules).
struct _ChainPositions {
    struct Slot {
        /// 0: never used (a name's hash is never 0).
        var hash: UInt64 = 0
        var name = ArenaRange.empty
        var position: Int32 = 0
        /// The table it was filled for: a slot of an earlier table is empty.
        var generation: UInt32 = 0
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
    /// `slots`' memory, held apart from the box: read through the box, every look-up took a
    /// reference to it and let it go again.
    private var base: UnsafeMutablePointer<Slot>
    private var capacity: Int
    private var used = 0
    /// The current table's: `removeAll` moves to the next instead of clearing every slot,
    /// which wrote the whole table (384 KB for a kube node) once per table.
    private var generation: UInt32 = 1

    init() {
        base = slots.base
        capacity = slots.count
    }

    /// Makes room for `chains` chains at once: a table declares its chains before its rules,
    /// and growing to a kube node's 12,000 from nothing rehashed every chain eight times.
    mutating func reserve(_ chains: Int) {
        guard (chains + 1) * 4 > capacity * 3 else { return }
        var wanted = Swift.max(64, capacity)
        while (chains + 1) * 4 > wanted * 3 { wanted *= 2 }
        grow(to: wanted)
    }

    /// The slot of the chain named `name` (bytes `raw[name]`), added with position 0 when new.
    mutating func slot(for name: ArenaRange, in raw: UnsafeRawBufferPointer) -> Int {
        // Up to three quarters full: a kube node's 12,000 chains fit 16,384 slots (384 KB).
        if (used + 1) * 4 > capacity * 3 { grow(to: Swift.max(64, capacity * 2)) }
        let bytes = UnsafeRawBufferPointer(rebasing: raw[Int(name.start)..<Int(name.end)])
        let hash = StableHasher.hash(bytes) | 1
        let mask = capacity - 1
        let base = self.base
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let s = base[i]
            if s.generation != generation {
                base[i] = Slot(hash: hash, name: name, position: 0, generation: generation)
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
        get { base[slot].position }
        nonmutating set { base[slot].position = newValue }
    }

    /// Forgets every chain, keeping the room.
    mutating func removeAll() {
        guard used > 0 else { return }
        used = 0
        generation &+= 1
        if generation == 0 {
            // Wrapped: slots of the table 2^32 tables ago would look current.
            base.update(repeating: Slot(), count: capacity)
            generation = 1
        }
    }

    /// Moves to `count` slots (a power of two).
    private mutating func grow(to count: Int) {
        let old = slots
        slots = Slots(count: count)
        base = slots.base
        capacity = count
        let mask = count - 1
        for k in 0..<old.count where old.base[k].generation == generation {
            let s = old.base[k]
            var i = Int(truncatingIfNeeded: s.hash) & mask
            while base[i].generation == generation { i = (i + 1) & mask }
            base[i] = s
        }
    }
}
