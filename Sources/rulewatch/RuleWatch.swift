import ArgumentParser
import RuleWatchCore

@main
struct RuleWatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rulewatch",
        abstract: "Find the firewall rule that is eating a node's traffic.",
        discussion: """
        rulewatch reads counter dumps of iptables and nftables (`iptables -L -v`, \
        `iptables-save -c`, `nft list ruleset`, `nft -j list ruleset`), one after another in a \
        capture a cron loop appends to, and names the rules whose counters climb while egress fails.

        Exit status: 0 success; 1 `--fail-on` found a finding at or above that severity; \
        64 usage error; 65 bad data (not a dump, or any warning under --strict); \
        66 missing input; 74 read error.
        """,
        version: "0.1.0",
        subcommands: [Parse.self, Analyze.self, Ingest.self, Report.self, History.self, Diff.self, Prune.self,
                      Export.self, Alerts.self])
}
