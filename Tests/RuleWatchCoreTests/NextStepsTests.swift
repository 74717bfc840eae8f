import Foundation
import Testing
@testable import RuleWatchCore

/// The commands printed for a culprit, and the text report's handling of what a dump holds.
@Suite struct NextStepsTests {
    static let hostile = "-A PREROUTING -p tcp -m tcp --dport 443 -m comment --comment \"<img src=x onerror=alert(1)> \\\"dq\\\" 'q' $(echo INJECTED) `echo INJECTED` \u{1B}[31mred\u{1B}[2J\" -j REDIRECT --to-ports 47443"

    @Test func saveRuleSplitsBackIntoIptablesWords() {
        let words = _ShellWords.splitSave(Self.hostile)
        #expect(words.count == 16)
        #expect(words[11] == "<img src=x onerror=alert(1)> \"dq\" 'q' $(echo INJECTED) `echo INJECTED` \u{1B}[31mred\u{1B}[2J")
        #expect(words.last == "47443")
    }

    /// bash itself reads the printed command back into the very words, running nothing.
    @Test func quotedCommandReadsBackAsTheSameWordsInBash() throws {
        let words = _ShellWords.splitSave(Self.hostile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "printf '%s\\0' " + _ShellWords.join(words)]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let read = data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
        #expect(read == words)
        #expect(!_ShellWords.join(words).unicodeScalars.contains { $0.value == 0x1B })
    }

    @Test func textReportShowsControlCharactersAsText() {
        let f = Finding(kind: "climb-with-egress-drop", severity: .critical, score: 1, ruleID: "0123456789ab", family: "ip",
                        table: "nat", chain: "PRE\u{1B}[2JROUTING", target: "REDIRECT", rule: Self.hostile,
                        explanation: "text \u{1B}]0;title\u{07} \u{202E}reversed", evidence: [EvidenceField("to", .string("\u{1B}[31m"))])
        let text = AnalysisResult(snapshots: 2, rules: 1, findings: [f]).text(width: 200)
        #expect(!text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || $0.value == 0x7F || $0.value == 0x202E })
        #expect(text.contains("PRE\\x1b[2JROUTING"))
        #expect(text.split(separator: "\n")[3].hasPrefix("CRITICAL  nat/PRE"))
    }
}
