import Foundation
import RuleWatchStore
import Testing

/// The command lines `Samples/deploy` installs run as written, in a namespace of the test's
/// own with the store moved to a scratch directory.
@Suite("deploy samples")
struct DeploySampleTests {
    static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Samples/deploy")

    /// The arguments after `rulewatch` of each active (uncommented) line that runs it.
    static func activeCommands(_ file: String, after marker: String) throws -> [[String]] {
        let text = try String(contentsOf: deploy.appendingPathComponent(file), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains(marker) }.map { line in
            let words = line.split(separator: " ").map(String.init)
            return Array(words.drop { !$0.hasSuffix("/rulewatch") }.dropFirst())
        }
    }

    @Test(arguments: [("rulewatch.cron", "root /usr/local/bin/rulewatch"), ("rulewatch-collect.service", "ExecStart=")])
    func theInstalledCommandLineStoresASnapshot(file: String, marker: String) throws {
        let commands = try Self.activeCommands(file, after: marker)
        #expect(commands.count == 1, "one active command line in \(file)")
        guard var arguments = commands.first else { return }
        #expect(arguments.prefix(3) == ["collect", "--store", "/var/lib/rulewatch/rulewatch.db"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rwnode-deploy-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("rulewatch.db").path
        arguments[2] = db
        let ns = try TestNetns("deploy")
        defer { ns.remove() }
        try MixedRuleset.load(MixedRuleset.rules, into: ns)
        let run = try ns.rulewatch(arguments + ["--source", "sample"],
                                   path: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.isEmpty && run.stderr.isEmpty, "a healthy run is silent, so cron mails nothing")
        let store = try RuleStore(path: db, create: false)
        #expect(try store.snapshots(source: "sample").count == 1)
        #expect(try store.ruleTotals(source: "sample").filter { !$0.isPolicy }.count == MixedRuleset.rules.count)
    }
}
