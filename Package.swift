// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "rulewatch",
    products: [
        .library(name: "RuleWatchCore", targets: ["RuleWatchCore"]),
        .library(name: "RuleWatchMetrics", targets: ["RuleWatchMetrics"]),
        .library(name: "RuleWatchStore", targets: ["RuleWatchStore"]),
        .library(name: "RuleWatchHTML", targets: ["RuleWatchHTML"]),
        .executable(name: "rulewatch", targets: ["rulewatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.0"),
    ],
    targets: [
        // zlib, for reading `.gz` captures; a system library, not a package.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The library: parse -> model -> series -> detect -> report. Standard library, Glibc and zlib only.
        .target(
            name: "RuleWatchCore",
            dependencies: ["CZlib"]
        ),
        // The node's history on disk: SQLite through GRDB, system libsqlite3.
        .target(
            name: "RuleWatchStore",
            dependencies: ["RuleWatchCore", "CZlib", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The HTML incident report: a swift-mustache template (escapes by default) and SVG charts.
        .target(
            name: "RuleWatchHTML",
            dependencies: ["RuleWatchCore", .product(name: "Mustache", package: "swift-mustache")]
        ),
        // setns(2), which Swift's Glibc module leaves out (it needs _GNU_SOURCE).
        .target(name: "CNamespace"),
        // On the node: runs iptables-save and nft (each table taken once) and probes egress.
        .target(
            name: "RuleWatchNode",
            dependencies: [
                "RuleWatchCore",
                "CNamespace",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        // Prometheus text exposition of the totals and findings, and the alert rules.
        .target(
            name: "RuleWatchMetrics",
            dependencies: [
                "RuleWatchCore",
                "RuleWatchStore",
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "rulewatch",
            dependencies: [
                "RuleWatchCore",
                "RuleWatchStore",
                "RuleWatchHTML",
                "RuleWatchNode",
                "RuleWatchMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "RuleWatchCoreTests", dependencies: ["RuleWatchCore"]),
        .testTarget(name: "RuleWatchCLITests", dependencies: ["rulewatch", "RuleWatchStore"]),
        .testTarget(name: "RuleWatchMetricsTests", dependencies: ["RuleWatchMetrics", "RuleWatchCore"]),
        .testTarget(name: "RuleWatchStoreTests", dependencies: ["RuleWatchStore", "RuleWatchCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "RuleWatchHTMLTests", dependencies: ["RuleWatchHTML", "RuleWatchCore"]),
        // Real-kernel tests of collect: they run the built `rulewatch` inside namespaces of their own.
        .testTarget(name: "RuleWatchNodeTests", dependencies: ["RuleWatchNode", "RuleWatchCore", "RuleWatchStore", "rulewatch"]),
    ]
)
