import Foundation
import Testing

/// `--format html --output FILE` of `analyze` (over a capture) and `report` (over the store):
/// one page, the same findings either way.
@Suite struct HTMLCommandTests {
    static let sample = Tool.repoRoot.appendingPathComponent("Samples/incident")

    @Test func analyzeWritesOnePageToTheOutputFile() throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("incident.html")
        let run = try Tool.run(["analyze", "capture.txt", "--egress", "egress.csv", "--format", "html", "--output", page.path],
                               in: Self.sample)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.components(separatedBy: "<section class=\"entry critical\"").count - 1 == 2)
        #expect(html.contains("<dt>files</dt><dd><code>capture.txt</code>"))
    }

    @Test func reportOverTheStoreDrawsTheSameCulprits() throws {
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("rw.db").path
        let ingest = try Tool.run(["ingest", "--store", store, "--source", "s1", "capture.txt"], in: Self.sample)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let page = dir.appendingPathComponent("store.html")
        let report = try Tool.run(["report", "--store", store, "--source", "s1", "--since", "@0", "--format", "html",
                                   "--output", page.path])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOf: page, encoding: .utf8)
        let analyze = try Tool.run(["analyze", "capture.txt", "--format", "html"], in: Self.sample)
        #expect(analyze.status == 0)
        func culprits(_ page: String) -> [String] {
            page.components(separatedBy: "<section class=\"entry critical\" ").dropFirst().map { String($0.prefix(60)) }
        }
        #expect(culprits(html).count == 2 && culprits(html) == culprits(analyze.stdout))
        #expect(html.contains("<dt>store</dt>"))
    }

    @Test func unwritableOutputExits74() throws {
        let run = try Tool.run(["analyze", "capture.txt", "--format", "html", "--output", "/proc/rulewatch-no/x.html"],
                               in: Self.sample)
        #expect(run.status == 74)
        #expect(run.stderr.hasPrefix("error: /proc/rulewatch-no/x.html: cannot write"))
    }
}
