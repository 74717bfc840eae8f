/// The Prometheus rules file `rulewatch alerts` prints: alerts over the series
/// `PrometheusExposition` exports, for a fleet's Prometheus (or Thanos, Mimir,
/// VictoriaMetrics) to evaluate across every node.
///
/// Two alerts:
/// - `RuleWatchCriticalFinding`: a node's own analyzer has a critical finding
///   (`rulewatch_finding{severity="critical"}`).
/// - `RuleWatchRuleClimbsAsEgressFails`: `climb-with-egress-drop` computed fleet-side, from
///   the counters alone: a diverting or dropping rule (REDIRECT, DNAT, TPROXY, DROP, REJECT,
///   their nft forms, a chain policy of DROP) began to count, or counts at several times its
///   earlier rate, while the same instance's egress success fell. It does not need the node's
///   analyzer to have run on the right window, and it sees a rule the node's `--ignore` hides.
///
/// Both join `rulewatch_rule_info` on `rule_id` so that the summary and description carry the
/// rule's text.
public enum AlertRules {
    /// Targets that send traffic elsewhere or throw it away (`TargetClass.isHarmful`).
    public static let harmfulTargets = "REDIRECT|DNAT|TPROXY|DROP|REJECT|redirect|dnat|tproxy|drop|reject"

    /// The rules file.
    /// - Parameters:
    ///   - egressBelow: egress success under which the climb alert may fire (0...1).
    ///   - egressFall: how far egress must have fallen from its best of the quarter hour before.
    ///   - window: the range the rate is taken over (at least 4 scrape intervals).
    public static func yaml(egressBelow: Double = 0.8, egressFall: Double = 0.2, window: String = "3m") -> String {
        let harmful = #"rulewatch_rule_packets_total{target=~"\#(harmfulTargets)"}"#
        return """
        # Prometheus alerting rules for rulewatch's exported series (`rulewatch export`,
        # `rulewatch collect --textfile`). Made by `rulewatch alerts`; check with
        # `promtool check rules FILE`.
        groups:
          - name: rulewatch
            rules:
              - alert: RuleWatchCriticalFinding
                # The node's analyzer names a rule (or chain) eating its traffic. The join brings
                # the rule's text; findings about a chain have no rule_id and pass unjoined.
                expr: |
                  (
                    rulewatch_finding{severity="critical"}
                      * on(job, instance, rule_id) group_left(rule) rulewatch_rule_info
                  )
                  or on(job, instance, kind, table, chain, rule_id)
                  rulewatch_finding{severity="critical"}
                labels:
                  severity: critical
                annotations:
                  summary: "rulewatch on {{ $labels.instance }}: {{ $labels.kind }} in {{ $labels.table }}/{{ $labels.chain }}"
                  description: "rulewatch's analyzer on {{ $labels.instance }} found {{ $labels.kind }} ({{ $labels.family }} {{ $labels.table }}/{{ $labels.chain }}, rule {{ $labels.rule_id }}): {{ $labels.rule }}. Run `rulewatch report` on the node for the explanation."
              - alert: RuleWatchRuleClimbsAsEgressFails
                # climb-with-egress-drop, fleet-side: a diverting or dropping rule counts at several
                # times its earlier rate (or began to count) while egress success fell on the same
                # instance. Totals are corrected for resets, so kube-proxy's rewrites do not count.
                expr: |
                  (
                    rate(\(harmful)[\(window)])
                      and increase(\(harmful)[\(window)]) >= 3
                      and (
                        rate(\(harmful)[\(window)])
                          > 3 * rate(\(harmful)[15m] offset \(window))
                        or
                        rate(\(harmful)[\(window)])
                          unless \(harmful) offset \(window)
                      )
                      and on(job, instance)
                      (
                        rulewatch_egress_success_ratio < \(egressBelow)
                          and rulewatch_egress_success_ratio
                            < max_over_time(rulewatch_egress_success_ratio[15m] offset \(window)) - \(egressFall)
                      )
                  )
                  * on(job, instance, rule_id) group_left(rule) rulewatch_rule_info
                for: 1m
                # The rate compares with the minutes before the climb; once past them the rule may
                # still be eating traffic: keep the alert while someone looks.
                keep_firing_for: 15m
                labels:
                  severity: critical
                annotations:
                  summary: "{{ $labels.target }} rule {{ $labels.rule_id }} in {{ $labels.table }}/{{ $labels.chain }} climbs as egress fails on {{ $labels.instance }}"
                  description: "The {{ $labels.family }} {{ $labels.table }}/{{ $labels.chain }} rule {{ $labels.rule_id }} ({{ $labels.rule }}) began to match far more packets while the egress success of {{ $labels.instance }} fell: it is likely diverting or dropping the node's traffic. Run `rulewatch report` on the node."

        """
    }
}
