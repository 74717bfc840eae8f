import ArgumentParser
import RuleWatchCore

@main
struct RuleWatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rulewatch",
        abstract: "Find the firewall rule that is eating a node's traffic.")
}
