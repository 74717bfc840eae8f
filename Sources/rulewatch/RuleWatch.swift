import ArgumentParser
import RuleWatchCore

@main
struct RuleWatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rulewatch",
        abstract: "Find the firewall rule that is eating a node's traffic.",
        discussion: """
        rulewatch reads counter dumps of iptables and nftables (`iptables -L -v`, \
        `iptables-save -c`, `nft list ruleset`, `nft -j list ruleset`), one after another in a \
        capture a cron loop appends to, and names the rules whose counters climb while egress fails.

        Examples:
          rulewatch analyze capture.txt --egress egress.csv
          rulewatch analyze capture.txt --egress egress.csv \\
              --format html --output incident.html
          rulewatch parse --summary capture.txt.gz
          rulewatch ingest /var/log/rulewatch/capture.txt
          rulewatch report --since 2h --fail-on critical
          rulewatch --generate-completion-script bash \\
              > /etc/bash_completion.d/rulewatch

        Exit status: 0 success; 1 `--fail-on` found a finding at or above that severity; \
        64 usage error; 65 bad data (no snapshot, not a dump, or any warning under --strict); \
        66 missing input; 74 read error.
        """,
        version: "0.1.0",
        // Each subcommand spells out its `commandName`: left to ArgumentParser, the name is
        // derived from the type's with `String(describing:)` on every start, a search through
        // the whole binary's protocol conformances, a third of a short run's instructions.
        subcommands: [Parse.self, Analyze.self, Ingest.self, Collect.self, Report.self, History.self, Diff.self, Prune.self,
                      Export.self, Alerts.self])
}
