import Foundation
import Testing
@testable import RuleWatchMetrics

@Suite struct PrometheusTextfileTests {
    @Test func writesWholeFileAndLeavesNoTemporary() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rulewatch-textfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("rulewatch.prom").path
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        try PrometheusTextfile.write(PrometheusExpositionTests.sample(), to: path)
        let written = try String(contentsOfFile: path, encoding: .utf8)
        // swift-prometheus emits a family's series in its dictionaries' order, which differs
        // from one registry to the next: compare the lines, not their order.
        let rendered = String(decoding: PrometheusExposition.render(PrometheusExpositionTests.sample()), as: UTF8.self)
        #expect(written.hasSuffix("\n") && written.split(separator: "\n").sorted() == rendered.split(separator: "\n").sorted())
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["rulewatch.prom"])
    }

    @Test func temporaryNameIsHiddenBesideItAndNotProm() {
        let t = PrometheusTextfile.temporaryPath(for: "/var/lib/node_exporter/rulewatch.prom")
        #expect(t.hasPrefix("/var/lib/node_exporter/.rulewatch.prom."))
        #expect(!t.hasSuffix(".prom"))
        #expect(!PrometheusTextfile.temporaryPath(for: "x.prom").contains("/"))
    }

    @Test func missingDirectoryIsAnErrorNamingThePath() {
        let path = "/nonexistent-\(UUID().uuidString)/rulewatch.prom"
        #expect {
            try PrometheusTextfile.write([UInt8]("x\n".utf8), to: path)
        } throws: { error in
            "\(error)".contains("nonexistent") && "\(error)".contains("No such file")
        }
    }
}
