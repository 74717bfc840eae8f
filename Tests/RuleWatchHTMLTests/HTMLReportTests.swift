import Foundation
import Testing
import RuleWatchCore
@testable import RuleWatchHTML

/// The HTML report of the bundled real-kernel incident, its REDIRECT rules given a hostile
/// comment: escaped by the template, loading nothing, and rendered by headless Chromium.
@Suite struct HTMLReportTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Samples/incident").standardized
    static let hostile = "<img src=x onerror=alert(1)></svg><script>document.body.setAttribute('data-pwned','1')</script> \"dq\" \u{1B}[31mred"

    /// The sample's capture with the comment in both REDIRECT rules, analysed for a page.
    static func page() throws -> (html: String, result: AnalysisResult) {
        var text = try String(contentsOf: sample.appendingPathComponent("capture.txt"), encoding: .utf8)
        #expect(text.contains("redir ports 47443"))
        text = text.replacingOccurrences(of: "redir ports 47", with: "/* \(hostile) */ redir ports 47")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rulewatch-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let capture = dir.appendingPathComponent("capture.txt")
        try text.write(to: capture, atomically: true, encoding: .utf8)
        var history = CaptureHistory()
        try CaptureParser().parse(files: [capture.path], into: &history)
        let csv = try Data(contentsOf: sample.appendingPathComponent("egress.csv"))
        let egress = try EgressSeries.parseCSV(Array(csv), file: "egress.csv")
        let result = Analyzer().analyze(history, egress: egress, timeline: true)
        let html = try HTMLReport(result: result, read: ReadSummary(inputs: ["capture.txt"])).render()
        return (html, result)
    }

    @Test func hostileCommentShowsAsTextNotMarkup() throws {
        let (html, result) = try Self.page()
        let culprits = result.entries.prefix(2).map(result.lead)
        #expect(culprits.count == 2 && culprits.allSatisfy { $0.severity == .critical && $0.rule.contains("<img src=x") })
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;&lt;/svg&gt;&lt;script&gt;"))
        #expect(!html.contains("<img"))
        #expect(!html.lowercased().contains("<script"))
        #expect(html.components(separatedBy: "<svg").count == html.components(separatedBy: "</svg>").count)
        #expect(!html.unicodeScalars.contains { $0.value == 0x1B })
        #expect(html.contains("\\x1b[31mred"))
    }

    @Test func pageLoadsNothingAndRunsNoScript() throws {
        let (html, _) = try Self.page()
        // Escaped text holds no `<`, so every `<` opens a real tag.
        let tags = html.lowercased().components(separatedBy: "<").dropFirst().map { $0.prefix { $0 != ">" } }
        for tag in tags {
            for needle in ["script", "link", "iframe", "object", "embed", "img", "style src"] {
                #expect(!tag.hasPrefix(needle), "page holds <\(tag)>")
            }
            #expect(!tag.contains(" src=") && !tag.contains(" href="), "page loads something: <\(tag)>")
            // The one address is the SVG namespace's name, which is never fetched.
            #expect(!tag.contains("http") || tag.contains("xmlns=\"http://www.w3.org/2000/svg\"") || tag.hasPrefix("meta http-equiv"),
                    "<\(tag)>")
        }
        let style = html.components(separatedBy: "<style>").last?.components(separatedBy: "</style>").first ?? ""
        #expect(!style.contains("url(") && !style.contains("@import"))
        #expect(html.contains("Content-Security-Policy"))
    }

    @Test func everyCriticalEntryHasAChartWithTheOnsetAndItsCommands() throws {
        let (html, result) = try Self.page()
        let sections = html.components(separatedBy: "<section class=\"entry ").dropFirst()
        let critical = sections.filter { $0.hasPrefix("critical") }
        #expect(critical.count == result.entries.filter { result.lead($0).severity == .critical }.count)
        #expect(critical.count == 2)
        for s in critical {
            #expect(s.contains("<svg class=\"chart\""))
            #expect(s.contains("class=\"bar\""))
            #expect(s.contains("class=\"egress\" d=\"M"))
            #expect(s.contains("class=\"onset\""))
            #expect(s.contains("iptables -t nat -D PREROUTING"))
            #expect(s.contains("-j TRACE"))
        }
        #expect(html.contains("The ruleset around the onset"))
        #expect(html.contains("<table id=\"findings\""))
        #expect(html.components(separatedBy: "<tr><td>").count - 1 == result.findings.count)
    }

    @Test func aCaptureWithoutFindingsSaysSo() throws {
        let page = try HTMLReport(result: AnalysisResult(snapshots: 3, rules: 10, findings: []),
                                  read: ReadSummary(kind: "store", inputs: ["/var/lib/rulewatch/rulewatch.db"])).render()
        #expect(page.contains("<h1 id=\"headline\">No findings"))
        #expect(!page.contains("<section"))
        #expect(page.contains("<dt>store</dt><dd><code>/var/lib/rulewatch/rulewatch.db</code>"))
    }

    /// Debian's headless Chromium renders the page: findings and charts are in the DOM it
    /// built, no script changed it, and it draws at desktop and phone widths and prints.
    @Test func chromiumRendersTheFindingsAndChartsAndNoScriptRuns() throws {
        let chromium = try #require(["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }, "headless Chromium is needed (apt-get install chromium; .ci/setup installs it)")
        let (html, _) = try Self.page()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rulewatch-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("report.html")
        try html.write(to: page, atomically: true, encoding: .utf8)

        let dom = try Self.chromium(chromium, dir, ["--dump-dom", page.absoluteString])
        #expect(dom.components(separatedBy: "<section class=\"entry critical\"").count - 1 == 2)
        #expect(dom.components(separatedBy: "<svg class=\"chart\"").count - 1 >= 2)
        #expect(dom.contains("<rect class=\"bar\""))
        #expect(!dom.contains("data-pwned=\"1\""), "a script ran")
        #expect(!dom.contains("<img"), "the comment became an element")
        #expect(dom.contains("&lt;img src=x onerror=alert(1)&gt;"), "the comment is not shown as text")

        for (width, name) in [(1280, "desktop.png"), (375, "phone.png")] {
            let shot = dir.appendingPathComponent(name)
            _ = try Self.chromium(chromium, dir, ["--hide-scrollbars", "--window-size=\(width),1600",
                                                   "--screenshot=\(shot.path)", page.absoluteString])
            let png = try Data(contentsOf: shot)
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            let w = png.count > 24 ? png[16..<20].reduce(0) { $0 << 8 | Int($1) } : 0
            #expect(w == width)
        }
        let pdf = dir.appendingPathComponent("report.pdf")
        _ = try Self.chromium(chromium, dir, ["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)", page.absoluteString])
        #expect(try Data(contentsOf: pdf).starts(with: Array("%PDF".utf8)))
    }

    static func chromium(_ path: String, _ dir: URL, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--user-data-dir=\(dir.appendingPathComponent("profile").path)"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "chromium \(arguments.last ?? "") exited \(process.terminationStatus)")
        return String(decoding: data, as: UTF8.self)
    }
}
