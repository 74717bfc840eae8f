// swift-tools-version: 6.1
import PackageDescription

// A package of its own, so the benchmark harness and its malloc interposer stay out of the
// main package's dependencies.
let package = Package(
    name: "Benchmarks",
    dependencies: [
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.0.0", traits: ["MallocInterposer"]),
        .package(name: "rulewatch", path: ".."),
    ],
    targets: [
        // What the benchmarks share: the seeded generator and the sample scripts that make
        // their inputs on a real kernel.
        .target(name: "BenchmarkSupport", path: "Benchmarks/BenchmarkSupport"),
        .executableTarget(
            name: "ParseThroughput",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                .product(name: "RuleWatchCore", package: "rulewatch"),
            ],
            path: "Benchmarks/ParseThroughput",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "CaptureAnalysis",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                .product(name: "RuleWatchCore", package: "rulewatch"),
            ],
            path: "Benchmarks/CaptureAnalysis",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "StoreIngest",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                .product(name: "RuleWatchCore", package: "rulewatch"),
                .product(name: "RuleWatchStore", package: "rulewatch"),
            ],
            path: "Benchmarks/StoreIngest",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
