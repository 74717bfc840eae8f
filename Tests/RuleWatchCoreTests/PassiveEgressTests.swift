import Testing
@testable import RuleWatchCore

/// The pods' TCP counters turned into per-namespace deltas and an egress estimate.
@Suite struct PassiveEgressTests {
    func r(_ ns: String, _ active: UInt64, fails: UInt64 = 0, retrans: UInt64 = 0, refused: UInt64 = 0) -> TCPReading {
        TCPReading(namespace: ns, active: active, fails: fails, synRetrans: retrans, rsts: 0, refused: refused)
    }

    @Test func namespacesComeAndGoWithoutNegativeDeltas() {
        let p = PassiveEgress(readings: [
            [r("host", 100), r("a", 10)],
            [r("host", 110), r("a", 20), r("b", 5)],     // b is new: counts from zero
            [r("host", 120), r("b", 9)],                 // a vanished: it stops
            [r("host", 130), r("a", 3), r("b", 2)],      // a again (a new one), b went down: made again
        ])
        #expect(p.deltas[0].isEmpty)
        #expect(p.deltas[1].map(\.active) == [10, 10, 5])
        #expect(p.deltas[1].map(\.fromZero) == [false, false, true])
        #expect(p.deltas[2].map(\.namespace) == ["host", "b"])
        #expect(p.deltas[2].map(\.active) == [10, 4])
        #expect(p.deltas[3].map(\.active) == [10, 3, 2])
        #expect(p.deltas[3].map(\.fromZero) == [false, true, true])
        #expect(p.podNamespaces == 2)
        // The host's own connections are not the pods'.
        #expect(p.samples.map { $0?.total } == [nil, 15, 4, 5])
    }

    @Test func retransmissionsOfALossyNetworkAreNotFailures() {
        var readings: [[TCPReading]] = []
        var active: UInt64 = 0, retrans: UInt64 = 0
        for step in [0, 2, 1, 3, 2, 2, 1] {   // about 4% of 50 SYNs sent again each interval
            readings.append([r("pod", active, retrans: retrans)])
            active += 50
            retrans += UInt64(step)
        }
        let p = PassiveEgress(readings: readings)
        #expect(p.samples.dropFirst().allSatisfy { $0 != nil && $0!.ok == $0!.total })
    }

    @Test func aDropShowsInTheIntervalOfItsRetransmissions() {
        let p = PassiveEgress(readings: [
            [r("pod", 0)], [r("pod", 40, retrans: 1)], [r("pod", 80, retrans: 2)],
            [r("pod", 120, retrans: 32)],          // 30 of 40 stalled
        ])
        let last = p.samples[3]!
        #expect(last.total == 40)
        // About 11 in truth (one retransmission is ordinary loss); the loss allowance (the
        // expected loss plus twice its spread) may excuse a few more.
        #expect(last.ok >= 10 && last.ok <= 14)
    }

    @Test func aRefusalAfterARetransmissionCountsOnce() {
        // 40 opened: 20 refused at once, 10 refused after one retry each, 10 fine.
        let p = PassiveEgress(readings: [
            [r("pod", 0)], [r("pod", 40)], [r("pod", 80, fails: 30, retrans: 10, refused: 20)],
        ])
        #expect(p.samples[2] == EgressSample(ok: 10, total: 40))
    }

    @Test func analyzerUsesThePassiveSignalOnlyWithoutAnother() throws {
        let dump = "*filter\n:INPUT ACCEPT [0:0]\n[5:300] -A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n"
        let capture = "@1795514400\n# tcp ns=host active=1 fails=0 synretrans=0 rsts=0\n# tcp ns=p1 active=0 fails=0 synretrans=0 rsts=0\n" + dump
            + "@1795514460\n# tcp ns=host active=2 fails=0 synretrans=0 rsts=0\n# tcp ns=p1 active=10 fails=0 synretrans=0 rsts=0\n" + dump
        var h = CaptureHistory()
        try CaptureParser().parse(bytes: Array(capture.utf8), name: "t", into: &h)
        let passive = Analyzer().analyze(h)
        #expect(passive.egressSource == .passive)
        #expect(passive.text().contains("egress: passive, from 1 pod namespace\n"))
        let csv = try EgressSeries.parseCSV(Array("time,ok,total\n@1795514460,3,4\n".utf8), file: "e.csv")
        #expect(Analyzer().analyze(h, egress: csv).egressSource == .csv)
        #expect(!Analyzer().analyze(h, egress: csv).json().contains("egress_namespaces"))
    }

    /// A DROP put in near the end of an interval counts a packet or two there, under
    /// climb-min-packets; egress falls only in the next. The climb is dated where it began.
    @Test func dropOnsetIsTheIntervalItCameIn() throws {
        func dump(_ drop: UInt64?) -> String {
            "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n[900:54000] -A FORWARD -p tcp --dport 8080 -j ACCEPT\n"
                + (drop.map { "[\($0):\($0 * 60)] -A FORWARD -p tcp --dport 443 -j DROP\n" } ?? "") + "COMMIT\n"
        }
        var capture = ""
        let egress = [(10, 10), (10, 10), (10, 10), (10, 10), (9, 10), (2, 10), (2, 10), (2, 10)]
        let drops: [UInt64?] = [nil, nil, nil, nil, 2, 18, 34, 50]
        for i in 0..<8 {
            capture += "@\(1_795_514_400 + i * 60)\n# egress ok=\(egress[i].0) total=\(egress[i].1)\n" + dump(drops[i])
        }
        var h = CaptureHistory()
        try CaptureParser().parse(bytes: Array(capture.utf8), name: "t", into: &h)
        let result = Analyzer().analyze(h)
        let first = try #require(result.findings.first)
        #expect(first.severity == .critical && first.target == "DROP", "\(result.text())")
        #expect(first.since == h.snapshots[4].time, "\(result.text())")
    }
}
