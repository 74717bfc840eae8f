import Benchmark
import Foundation
import RuleWatchCore
import RuleWatchStore

/// The store on the kube node (33,225 rules, a snapshot a minute, 5% changing), with a day
/// of it stored (`KubeNodeDay`):
/// - `ingest`: one more snapshot, parse included, into a copy of the day's store (the copy
///   is made outside the measurement);
/// - `report`: the day rebuilt as a `CaptureHistory` and analyzed, as `rulewatch report` does;
///   `rebuild` the first half of it alone;
/// - the store's size per changed sample, as custom metrics (whole file, and the change
///   blobs alone).
let benchmarks: @Sendable () -> Void = {
    let bytesPerSample = BenchmarkMetric.custom("file bytes/changed sample", polarity: .prefersSmaller, useScalingFactor: false)
    let blobBytesPerSample = BenchmarkMetric.custom("blob bytes/changed sample x100", polarity: .prefersSmaller, useScalingFactor: false)
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal],
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 10,
        thresholds: [
            .wallClock: .init(relative: [.p50: 25.0]),
            .peakMemoryResident: .init(relative: [.p50: 20.0]),
        ]
    )

    let day: KubeNodeDay
    do { day = try KubeNodeDay.prepare() } catch { fatalError("\(error)") }

    Benchmark("ingest 33k-rule snapshot into a day") { benchmark, bytes in
        for _ in benchmark.scaledIterations {
            let copy = NSTemporaryDirectory() + "rulewatch-bench-\(getpid()).db"
            try? FileManager.default.removeItem(atPath: copy)
            try! FileManager.default.copyItem(atPath: day.store, toPath: copy)
            benchmark.startMeasurement()
            let store = try! RuleStore(path: copy)
            let request = IngestRequest(source: KubeNodeDay.source,
                                        time: KubeNodeDay.start + Int64(KubeNodeDay.minutes) * 60_000_000_000)
            let outcome = try! store.ingest(bytes: bytes, name: "next", request: request)
            precondition(outcome.stored.count == 1)
            benchmark.stopMeasurement()
            try? FileManager.default.removeItem(atPath: copy)
            try? FileManager.default.removeItem(atPath: copy + "-wal")
            try? FileManager.default.removeItem(atPath: copy + "-shm")
        }
    } setup: {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: day.next[0])))
    }

    Benchmark("report over a day") { benchmark in
        let store = try! RuleStore(path: day.store, create: false)
        let history = try! store.history(source: KubeNodeDay.source)
        precondition(history.snapshots.count >= KubeNodeDay.minutes)
        blackHole(Analyzer().analyze(history))
    }

    Benchmark("rebuild a day's history") { benchmark in
        let store = try! RuleStore(path: day.store, create: false)
        blackHole(try! store.history(source: KubeNodeDay.source))
    }

    Benchmark("store size of a day", configuration: .init(metrics: [bytesPerSample, blobBytesPerSample], maxIterations: 1)) { benchmark in
        let store = try! RuleStore(path: day.store, create: false)
        let snapshots = try! store.snapshots(source: KubeNodeDay.source)
        // Changed samples after the first snapshot (which stores every rule once).
        let changed = snapshots.dropFirst().reduce(0) { $0 + $1.changed }
        let blobs = snapshots.dropFirst().reduce(0) { $0 + $1.bytes }
        let size = (try! FileManager.default.attributesOfItem(atPath: day.store)[.size] as! Int)
        benchmark.measurement(bytesPerSample, size / max(changed, 1))
        benchmark.measurement(blobBytesPerSample, blobs * 100 / max(changed, 1))
        FileHandle.standardError.write(Data("store of a day: \(size) bytes, \(snapshots.count) snapshots, \(changed) changed samples, \(blobs) bytes of change blobs\n".utf8))
    }
}
