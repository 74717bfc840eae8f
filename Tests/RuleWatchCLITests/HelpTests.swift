import Foundation
import Testing

/// What the tool says about itself: examples in every command's help, its version, and
/// shell completions generated from the argument parser's definitions.
@Suite struct HelpTests {
    /// The subcommands `rulewatch --help` lists, so a new one is checked too.
    static func subcommands() throws -> [String] {
        let help = try Tool.run(["--help"]).stdout
        let section = help.components(separatedBy: "SUBCOMMANDS:").dropFirst().first ?? ""
        return section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let word = line.split(separator: " ").first,
                  word.allSatisfy({ $0.isLetter || $0 == "-" }) else { return nil }
            return String(word)
        }
    }

    @Test func everyCommandsHelpShowsExamples() throws {
        let commands = try Self.subcommands()
        #expect(commands.count >= 4 && commands.contains("analyze") && commands.contains("report"), "\(commands)")
        for command in [[]] + commands.map({ [$0] }) {
            let run = try Tool.run(command + ["--help"])
            #expect(run.status == 0)
            let examples = run.stdout.components(separatedBy: "Examples:").dropFirst().first ?? ""
            let lines = examples.split(separator: "\n").prefix { $0.hasPrefix("  ") }
            #expect(lines.count >= 2, "\(command) --help has no examples:\n\(run.stdout)")
            #expect(lines.allSatisfy { $0.contains("rulewatch ") || $0.hasPrefix("    ") })
        }
    }

    @Test func versionNamesTheVersion() throws {
        let run = try Tool.run(["--version"])
        #expect(run.status == 0)
        let version = run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(version.split(separator: ".").count == 3 && version.allSatisfy { $0.isNumber || $0 == "." }, "\(version)")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptKnowsEverySubcommandAndItsOptions(shell: String) throws {
        let run = try Tool.run(["--generate-completion-script", shell])
        #expect(run.status == 0)
        for word in ["parse", "analyze", "ingest", "report", "egress", "fail-on", "output"] {
            #expect(run.stdout.contains(word), "\(shell) completion lacks \(word)")
        }
        // The shell itself reads the script without a syntax error.
        if shell == "bash" {
            let check = try Tool.run(["-n", "-c", run.stdout], executable: URL(fileURLWithPath: "/bin/bash"))
            #expect(check.status == 0, "\(check.stderr)")
        }
    }
}
