import Testing
@testable import RuleWatchCore

/// Which egress signal an analysis uses, and that a CSV covering none of the capture does not
/// blank out the capture's own `# egress` lines.
@Suite struct EgressSourceTests {
    let scenario = IncidentScenario()

    /// One CSV row per snapshot of the scenario, `shift` seconds later, all healthy.
    func csv(shiftedBy shift: Int64, ok: Int = 60) -> EgressSeries {
        EgressSeries(rows: (0..<scenario.snapshots).map { s in
            .init(time: (scenario.time(s) + shift) * 1_000_000_000, sample: EgressSample(ok: UInt64(ok), total: 60))
        })
    }

    @Test func inlineLinesAreUsedWithoutACSV() throws {
        let history = try scenario.history()
        let timeline = EgressTimeline(history: history, csv: nil)
        #expect(timeline.source == .inline)
        #expect(timeline.rate(0) == 1 && timeline.rate(scenario.inject!) == 2.0 / 60)
        let result = Analyzer().analyze(history)
        #expect(result.egressSource == .inline)
        #expect(result.json().contains("\"egress_source\":\"inline\""))
        #expect(result.text().split(separator: "\n")[1] == "egress success from the capture's `# egress` lines")
    }

    @Test func aCSVThatCoversTheSnapshotsReplacesTheInlineLines() throws {
        let history = try scenario.history()
        let timeline = EgressTimeline(history: history, csv: csv(shiftedBy: 0))
        #expect(timeline.source == .csv)
        #expect((0..<scenario.snapshots).allSatisfy { timeline.rate($0) == 1 })
        let result = Analyzer().analyze(history, egress: csv(shiftedBy: 0))
        #expect(result.egressSource == .csv)
        #expect(result.json().contains("\"egress_source\":\"csv\""))
        #expect(!result.findings.contains { $0.severity == .critical }, "a healthy CSV leaves nothing critical")
    }

    @Test func aCSVOfAnotherDayLeavesTheInlineLinesInPlace() throws {
        let history = try scenario.history()
        let critical = Analyzer().analyze(history).findings.filter { $0.severity == .critical }.count
        #expect(critical >= 1)
        for shift: Int64 in [-86_400, 86_400, -Int64(scenario.snapshots) * scenario.interval * 3] {
            let timeline = EgressTimeline(history: history, csv: csv(shiftedBy: shift))
            #expect(timeline.source == .inline, "shifted by \(shift) s")
            let result = Analyzer().analyze(history, egress: csv(shiftedBy: shift))
            #expect(result.egressSource == .inline)
            #expect(result.findings.filter { $0.severity == .critical }.count == critical, "shifted by \(shift) s")
        }
    }

    /// Rows from long before the capture used to be summed into the first snapshot's
    /// interval, so an old CSV counted as covering it.
    @Test func theFirstIntervalIsAsLongAsTheNext() throws {
        let history = try scenario.history()
        let early = EgressSeries(rows: [.init(time: (scenario.time(0) - scenario.interval - 1) * 1_000_000_000,
                                              sample: EgressSample(ok: 0, total: 60))])
        #expect(EgressTimeline(history: history, csv: early).source == .inline)
        let inFirst = EgressSeries(rows: [.init(time: (scenario.time(0) - scenario.interval + 1) * 1_000_000_000,
                                                sample: EgressSample(ok: 0, total: 60))])
        let timeline = EgressTimeline(history: history, csv: inFirst)
        #expect(timeline.source == .csv)
        #expect(timeline.rate(0) == 0 && timeline.rate(1) == nil)
    }

    /// Found by the fuzzer: snapshots far apart and out of order (`@epoch` lines are any
    /// number up to 2262) made the first interval's start overflow Int64 and trap.
    @Test func timesAtTheEndsOfTheRangeDoNotTrap() throws {
        let dump = "*filter\n:INPUT ACCEPT [0:0]\n[1:60] -A INPUT -j ACCEPT\nCOMMIT\n"
        let text = "@\(TimestampParser.maxSeconds)\n" + dump + "@0\n" + dump
        var history = CaptureHistory()
        try CaptureParser().parse(bytes: Array(text.utf8), name: "capture.txt", into: &history)
        #expect(history.snapshots.count == 2)
        let csv = EgressSeries(rows: [.init(time: 0, sample: EgressSample(ok: 1, total: 2))])
        // Time runs backwards here, so no interval holds the row: the CSV covers nothing.
        #expect(EgressTimeline(history: history, csv: csv).source == .none)
        #expect(Analyzer().analyze(history, egress: csv).egressSource == .none)
        let forwards = EgressSeries(rows: [.init(time: 1, sample: EgressSample(ok: 1, total: 2))])
        var ordered = CaptureHistory()
        try CaptureParser().parse(bytes: Array(("@0\n" + dump + text).utf8), name: "capture.txt", into: &ordered)
        let timeline = EgressTimeline(history: ordered, csv: forwards)
        #expect(timeline.source == .csv && timeline.rate(1) == 0.5)
        #expect(EgressTimeline.start(before: .max, next: .min) == .max)
        #expect(EgressTimeline.start(before: .min, next: .max) == .min)
        #expect(EgressTimeline.start(before: 10, next: 13) == 7)
    }

    @Test func noSignalAtAllIsNamedNone() throws {
        let text = scenario.text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("# egress") }.joined(separator: "\n")
        var history = CaptureHistory()
        try CaptureParser().parse(bytes: Array(text.utf8), name: "capture.txt", into: &history)
        #expect(history.snapshots.count == scenario.snapshots)
        #expect(EgressTimeline(history: history, csv: nil).source == .none)
        #expect(EgressTimeline(history: history, csv: csv(shiftedBy: 86_400)).source == .none)
        let result = Analyzer().analyze(history, egress: csv(shiftedBy: 86_400))
        #expect(result.egressSource == .none)
        #expect(result.json().contains("\"egress_source\":\"none\""))
        #expect(result.text().contains("no egress signal: findings from the counters alone"))
    }

    @Test func sourcesAreNamedByAStringForTheJSON() {
        #expect(EgressSource.allCases.map(\.rawValue) == ["csv", "inline", "probe", "passive", "none"])
    }
}
