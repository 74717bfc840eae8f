import Foundation
import RuleWatchCore
import RuleWatchStore
import Testing

/// The history `RuleStore.history` rebuilds from the change blobs (only what changed,
/// appeared or vanished) shows every snapshot exactly as the parsed capture does.
@Suite struct StoreChangesHistoryTests {
    /// Per snapshot, every sample it showed: rule_id, packets and bytes as printed.
    static func samples(_ h: CaptureHistory, from first: Int = 0) -> [[String]] {
        (first..<h.snapshots.count).map { s in
            var out: [String] = []
            h.forEachSample(inSnapshot: s) { r, p, b in
                out.append("\(h.rules[r].id) \(p.map { "\($0.printed)" } ?? "-") \(b.map { "\($0.printed)" } ?? "-")")
            }
            return out.sorted()
        }
    }

    /// The incident with its flannel MASQUERADE rule gone from snapshots 3 and 4, back in 5
    /// with the very counters it left with (it appears, yet its counters did not change),
    /// and gone again in the last.
    static func captureWithARuleThatLeavesAndComesBack() throws -> String {
        let snaps = try IncidentSample.snapshots()
        func masquerade(_ text: String) -> Substring? {
            text.split(separator: "\n").first { $0.contains("MASQUERADE") && $0.contains("10.244.0.0/16") }
        }
        let left = try #require(masquerade(snaps[2]))
        var out = ""
        for (k, snap) in snaps.enumerated() {
            var lines = snap.split(separator: "\n", omittingEmptySubsequences: false)
            let i = try #require(lines.firstIndex { $0.contains("MASQUERADE") && $0.contains("10.244.0.0/16") })
            switch k {
            case 3, 4, snaps.count - 1: lines.remove(at: i)
            case 5: lines[i] = left
            default: break
            }
            out += lines.joined(separator: "\n")
        }
        return out
    }

    @Test func rebuiltFromChangesShowsEverySampleTheCaptureShowed() throws {
        let text = try Self.captureWithARuleThatLeavesAndComesBack()
        var direct = CaptureHistory()
        try Array(text.utf8).withUnsafeBytes { try CaptureParser().parse(bytes: $0, name: "capture.txt", into: &direct) }
        let dir = try Scratch()
        let store = try RuleStore(path: dir.path("rw.db"))
        let outcome = try store.ingest(bytes: Array(text.utf8), name: "capture.txt", request: IngestRequest(source: "n"))
        #expect(outcome.stored.count == 8)
        let rebuilt = try store.history(source: "n")
        let shown = Self.samples(rebuilt)
        #expect(shown == Self.samples(direct))
        // The rule really left and came back with the counters it left with.
        let masquerade = try #require(rebuilt.rules.firstIndex { $0.target == "MASQUERADE" && $0.text.contains("10.244.0.0/16") })
        let id = rebuilt.rules[masquerade].id
        let its = shown.map { snapshot in snapshot.first { $0.hasPrefix(id + " ") } }
        #expect(its.map { $0 == nil } == [false, false, false, true, true, false, false, true])
        #expect(its[5] == its[2])
        #expect(Analyzer().analyze(rebuilt).json() == Analyzer().analyze(direct).json())

        // From the middle (the rule absent there): the first snapshot gives every rule, the
        // rest only their changes, and each shows what the whole history shows.
        let since = try #require(rebuilt.snapshots[3].time)
        var reported: [(Int, Int)] = []
        let tail = try store.history(source: "n", since: since) { done, total in reported.append((done, total)) }
        #expect(tail.snapshots.count == 5)
        #expect(Self.samples(tail) == Self.samples(rebuilt, from: 3))
        #expect(reported.map(\.0) == [1, 2, 3, 4, 5] && reported.allSatisfy { $0.1 == 5 })
    }
}
