import Benchmark
import Foundation
import RuleWatchCore

/// `analyze` against `parse --summary` on the kube node's rolling capture: 10 snapshots of
/// 33,225 rules (`iptables -L -v -n -x`, nat and filter), 71 MB, read from memory.
///
/// `summary` counts only; `analyze` stores every rule, follows each across the snapshots and
/// runs the detectors, as `rulewatch analyze` does. One iteration is the whole capture, so
/// `throughput` is captures per second and `MB/s` the rate; analyze is meant to stay within
/// half of summary's rate.
let benchmarks: @Sendable () -> Void = {
    let mbPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)

    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .peakMemoryResident, .mallocCountTotal, mbPerSecond],
        warmupIterations: 1,
        maxDuration: .seconds(3),
        maxIterations: 50,
        thresholds: [
            .throughput: .init(relative: [.p50: 25.0]),
            mbPerSecond: .init(relative: [.p50: 25.0]),
            .peakMemoryResident: .init(relative: [.p50: 20.0]),
            .mallocCountTotal: .init(relative: [.p50: 10.0], absolute: [.p50: 200]),
        ]
    )

    let capture: URL
    do {
        capture = try KubeNodeCapture.prepare()
    } catch {
        fatalError("\(error)")
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: capture.path)[.size] as? Int) ?? 0
    let megabytes = Double(size) / 1_000_000
    let label = "capture \((megabytes * 10).rounded() / 10) MB"

    func measured(_ benchmark: Benchmark, _ body: () -> Void) {
        let start = ContinuousClock.now
        body()
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        benchmark.measurement(mbPerSecond, Int(megabytes / seconds))
    }

    Benchmark("\(label) summary") { benchmark, bytes in
        measured(benchmark) {
            var summary = Summary()
            do { try CaptureParser().parse(bytes: bytes, name: "bench", into: &summary) } catch { fatalError("\(error)") }
            blackHole(summary)
        }
    } setup: {
        [UInt8](try Data(contentsOf: capture))
    }

    Benchmark("\(label) analyze") { benchmark, bytes in
        measured(benchmark) {
            // As `rulewatch analyze` reads: the history is fed on a second thread.
            var history = CaptureHistory()
            do { try CaptureParser().parseConcurrently(bytes: bytes, name: "bench", into: &history) } catch { fatalError("\(error)") }
            blackHole(Analyzer().analyze(history))
        }
    } setup: {
        [UInt8](try Data(contentsOf: capture))
    }
}
