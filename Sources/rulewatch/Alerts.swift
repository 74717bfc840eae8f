import ArgumentParser
import RuleWatchMetrics

extension RuleWatch {
    struct Alerts: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "alerts",
            abstract: "Print Prometheus alerting rules over the series `rulewatch export` writes.",
            discussion: """
            RuleWatchCriticalFinding fires on a node's critical finding \
            (rulewatch_finding{severity="critical"}); RuleWatchRuleClimbsAsEgressFails is \
            climb-with-egress-drop in PromQL: a diverting or dropping rule's packet rate rising \
            while rulewatch_egress_success_ratio falls on the same instance. Both name the rule \
            through rulewatch_rule_info.

            Examples:
              rulewatch alerts > /etc/prometheus/rules/rulewatch.yml
              rulewatch alerts > rules.yml && promtool check rules rules.yml
              rulewatch alerts --egress-below 0.9 --egress-fall 0.1 > rulewatch.yml
            """)

        @Option(name: .customLong("egress-below"),
                help: ArgumentHelp("Egress success (0-1) under which the climb alert may fire.", valueName: "ratio"))
        var egressBelow: Double = 0.8

        @Option(name: .customLong("egress-fall"),
                help: ArgumentHelp("How far (0-1) egress must have fallen from its best of the quarter hour before.", valueName: "ratio"))
        var egressFall: Double = 0.2

        func validate() throws {
            guard (0...1).contains(egressBelow) else { throw ValidationError("--egress-below must be between 0 and 1") }
            guard (0...1).contains(egressFall) else { throw ValidationError("--egress-fall must be between 0 and 1") }
        }

        func run() throws {
            Terminal.ignoreBrokenPipes()
            Terminal.standardOutput.write(AlertRules.yaml(egressBelow: egressBelow, egressFall: egressFall))
        }
    }
}
