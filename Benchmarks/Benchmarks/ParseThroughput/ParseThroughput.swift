import Benchmark
import RuleWatchCore

/// Parses the kube node's real kernel dumps, one benchmark per format.
///
/// Each iteration parses one whole dump (about 7 MB, 33,000 rules; the size is in the name),
/// so `throughput` is dumps per second; the custom `MB/s` and `rules/s` metrics give the
/// rate directly. `summary` runs the `parse --summary` path (counts only); `rules` stores
/// every rule, as `analyze` needs. `rules ÷ summary` times the two paths back to back in each
/// iteration and gives the rules path's speed as a percentage of the summary path's: paired,
/// that ratio holds while the machine's speed drifts, where two benchmarks run seconds apart
/// can be a factor of two off.
let benchmarks: @Sendable () -> Void = {
    let mbPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)
    let rulesPerSecond = BenchmarkMetric.custom("rules/s", polarity: .prefersLarger, useScalingFactor: false)
    let rulesPercent = BenchmarkMetric.custom("rules % of summary", polarity: .prefersLarger, useScalingFactor: false)

    // Machines are noisy (an untouched benchmark moved 9%): flag only large moves.
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .peakMemoryResident, .mallocCountTotal, mbPerSecond, rulesPerSecond],
        warmupIterations: 2,
        maxDuration: .seconds(2),
        maxIterations: 200,
        thresholds: [
            .throughput: .init(relative: [.p50: 25.0]),
            mbPerSecond: .init(relative: [.p50: 25.0]),
            rulesPerSecond: .init(relative: [.p50: 25.0]),
            .peakMemoryResident: .init(relative: [.p50: 20.0]),
            .mallocCountTotal: .init(relative: [.p50: 10.0], absolute: [.p50: 200]),
        ]
    )

    let dumps: KubeNodeDumps
    do {
        dumps = try KubeNodeDumps.prepare()
    } catch {
        fatalError("\(error)")
    }

    for format in KubeNodeDumps.Format.allCases {
        let size = dumps.size(format)
        let megabytes = Double(size) / 1_000_000
        let label = "\(format.label) \((megabytes * 10).rounded() / 10) MB"
        for wantsRules in [false, true] {
            Benchmark("\(label) \(wantsRules ? "rules" : "summary")") { benchmark, bytes in
                let start = ContinuousClock.now
                let rules = wantsRules ? RuleCountingSink.parse(bytes) : SummaryOnly.parse(bytes)
                let elapsed = ContinuousClock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                blackHole(rules)
                benchmark.measurement(mbPerSecond, Int(megabytes / seconds))
                benchmark.measurement(rulesPerSecond, Int(Double(rules) / seconds))
            } setup: {
                try dumps.load(format)
            }
        }
        Benchmark("\(label) rules ÷ summary",
                  configuration: .init(metrics: [rulesPercent], thresholds: [rulesPercent: .init(relative: [.p50: 25.0])])) { benchmark, bytes in
            let start = ContinuousClock.now
            blackHole(SummaryOnly.parse(bytes))
            let middle = ContinuousClock.now
            blackHole(RuleCountingSink.parse(bytes))
            let end = ContinuousClock.now
            benchmark.measurement(rulesPercent, Int(100 * ((middle - start) / (end - middle))))
        } setup: {
            try dumps.load(format)
        }
    }
}
