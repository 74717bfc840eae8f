import Benchmark
import BenchmarkSupport
import Foundation
import RuleWatchCore

/// `analyze` against `parse --summary` on the kube node's rolling capture: 10 snapshots of
/// 33,225 rules (`iptables -L -v -n -x`, nat and filter), 71 MB, read from memory; then the
/// history's memory as captures grow: 100 snapshots read from the file as `rulewatch analyze`
/// reads it, and a day of minute snapshots with 5% of the rules changing each minute.
///
/// `summary` counts only; `analyze` stores every rule, follows each across the snapshots and
/// runs the detectors, as `rulewatch analyze` does. One iteration is the whole capture, so
/// `throughput` is captures per second and `MB/s` the rate; analyze is meant to stay within
/// half of summary's rate. `Memory (resident peak)` is the process's peak, input included;
/// `kept MB` what the history keeps of the samples (it keeps what changed: see
/// `CaptureHistory.chunks`), the part that grows with the capture.
let benchmarks: @Sendable () -> Void = {
    let mbPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)
    let keptMB = BenchmarkMetric.custom("kept MB", polarity: .prefersSmaller, useScalingFactor: false)
    // As `rulewatch analyze` runs (see `HeapTuning`).
    HeapTuning.keepLargeBuffersMapped()

    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .peakMemoryResident, .mallocCountTotal, mbPerSecond, keptMB],
        warmupIterations: 1,
        maxDuration: .seconds(3),
        maxIterations: 50,
        thresholds: [
            .throughput: .init(relative: [.p50: 25.0]),
            mbPerSecond: .init(relative: [.p50: 25.0]),
            .peakMemoryResident: .init(relative: [.p50: 20.0]),
            .mallocCountTotal: .init(relative: [.p50: 10.0], absolute: [.p50: 200]),
            keptMB: .init(relative: [.p50: 5.0], absolute: [.p50: 1]),
        ]
    )
    // The long cases: one iteration is seconds, and what they are for is memory.
    let long = Benchmark.Configuration(warmupIterations: 0, maxDuration: .seconds(30), maxIterations: 3)

    let capture: URL
    let capture100: URL
    do {
        capture = try KubeNodeCapture.prepare()
        capture100 = try KubeNodeCapture.prepare(snapshots: 100)
    } catch {
        fatalError("\(error)")
    }
    func megabytes(_ url: URL) -> Double {
        Double((try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0) / 1_000_000
    }
    let size = megabytes(capture)
    let label = "capture \((size * 10).rounded() / 10) MB"

    /// - Parameter megabytes: the capture's size, for `MB/s`; `nil` when there is no text.
    func measured(_ benchmark: Benchmark, megabytes: Double?, _ body: () -> CaptureHistory) {
        let start = ContinuousClock.now
        let history = body()
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if let megabytes { benchmark.measurement(mbPerSecond, Int(megabytes / seconds)) }
        benchmark.measurement(keptMB, (history.sampleBytes + 500_000) / 1_000_000)
    }

    Benchmark("\(label) summary") { benchmark, bytes in
        let start = ContinuousClock.now
        var summary = Summary()
        do { try CaptureParser().parse(bytes: bytes, name: "bench", into: &summary) } catch { fatalError("\(error)") }
        blackHole(summary)
        let elapsed = ContinuousClock.now - start
        benchmark.measurement(mbPerSecond, Int(size / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)))
    } setup: {
        [UInt8](try Data(contentsOf: capture))
    }

    Benchmark("\(label) analyze") { benchmark, bytes in
        measured(benchmark, megabytes: size) {
            // As `rulewatch analyze` reads: the history is fed on a second thread.
            var history = CaptureHistory()
            do { try CaptureParser().parseConcurrently(bytes: bytes, name: "bench", into: &history) } catch { fatalError("\(error)") }
            blackHole(Analyzer().analyze(history))
            return history
        }
    } setup: {
        [UInt8](try Data(contentsOf: capture))
    }

    // Read from the file, as `rulewatch analyze FILE` reads it: the peak is the history's
    // and the analyzer's, not the input's. The goal: under 96 MiB.
    let size100 = megabytes(capture100)
    Benchmark("capture 100 snapshots \(Int(size100.rounded())) MB analyze from file", configuration: long) { benchmark in
        measured(benchmark, megabytes: size100) {
            var history = CaptureHistory()
            do { try CaptureParser().parseConcurrently(files: [capture100.path], into: &history) } catch { fatalError("\(error)") }
            blackHole(Analyzer().analyze(history))
            return history
        }
    }

    // A day: the capture's first snapshot parsed, then 1,439 minutes in which 5% of the rules
    // (drawn anew each minute; dropping rules stay still) grow, appended as a store that keeps
    // changed samples does, then analyzed. 10 GB as text; here its history is built directly.
    // The goal: under 256 MiB.
    Benchmark("day 1440 snapshots 5% changing analyze", configuration: long) { benchmark, first in
        measured(benchmark, megabytes: nil) {
            var history = CaptureHistory()
            do { try CaptureParser().parse(bytes: first, name: "bench", into: &history) } catch { fatalError("\(error)") }
            var packets = [UInt64](repeating: 0, count: history.rules.count)
            var bytes = packets
            history.forEachShownSample(in: 0..<1) { _, r, p, b in
                packets[r] = p?.printed ?? 0
                bytes[r] = b?.printed ?? 0
            }
            var movable = (0..<history.rules.count).filter { r in
                let rule = history.rules[r]
                return !rule.isPolicy && rule.target != "DROP" && rule.target != "REJECT"
            }
            let perMinute = movable.count / 20
            var random = SplitMix64(seed: 1)
            let start = history.snapshots[0].time ?? 0
            let tables = history.snapshots[0].tables
            for minute in 1..<1440 {
                history.appendChangedSnapshot(time: start + Int64(minute) * 60_000_000_000, source: "bench", egress: nil,
                                              tables: tables) { changes in
                    // The first `perMinute` of a partial shuffle: each rule once.
                    for k in 0..<perMinute {
                        movable.swapAt(k, k + Int(random.next() % UInt64(movable.count - k)))
                        let r = movable[k]
                        let grown = 1 + random.next() % 500
                        packets[r] += grown
                        bytes[r] += grown * (60 + random.next() % 1441)
                        changes.append(rule: r, packets: .exact(packets[r]), bytes: .exact(bytes[r]))
                    }
                }
            }
            blackHole(Analyzer().analyze(history))
            return history
        }
    } setup: {
        KubeNodeCapture.firstSnapshot(of: [UInt8](try Data(contentsOf: capture)))
    }
}
