import Prometheus
import RuleWatchCore

/// A node's metrics in the Prometheus text exposition format, as node_exporter's textfile
/// collector reads them. swift-prometheus writes the HELP and TYPE lines and escapes label
/// values (a rule's comment may hold quotes, backslashes and newlines).
///
/// The names and labels are an interface: dashboards and the rules `AlertRules` prints rely
/// on them. Add metrics, never rename one.
public enum PrometheusExposition {
    // Computed: swift-prometheus's descriptor is not `Sendable`, so it cannot be a stored static.
    public static var rulePackets: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "rulewatch", metricName: "rule_packets", unitName: "total",
            helpText: "Packets the rule matched since rulewatch first saw it, corrected for counter resets (never goes down while the rule lives).")
    }
    public static var ruleBytes: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "rulewatch", metricName: "rule_bytes", unitName: "total",
            helpText: "Bytes the rule matched since rulewatch first saw it, corrected for counter resets (never goes down while the rule lives).")
    }
    public static var ruleInfo: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "rulewatch", metricName: "rule", unitName: "info",
            helpText: "Always 1: the text of the rule with this rule_id, kept in one series instead of every one.")
    }
    public static var chainResets: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "rulewatch", metricName: "chain_resets", unitName: "total",
            helpText: "Snapshots in which counters of the chain's rules went down (the chain or rule was rewritten, replaced or zeroed).")
    }
    public static var finding: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "rulewatch", metricName: "finding", unitName: "",
            helpText: "A current finding of the analyzer; the value is its score, 0 to 1.")
    }
    public static var egressSuccess: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "rulewatch", metricName: "egress_success", unitName: "ratio",
            helpText: "Share of the node's egress attempts that succeeded in the last interval, 0 to 1.")
    }
    public static var lastSnapshot: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "rulewatch", metricName: "last_snapshot_timestamp", unitName: "seconds",
            helpText: "Unix time of the last counter snapshot rulewatch read.")
    }

    /// The exposition text of `metrics`, with rule series only for the rules `options` exports.
    public static func render(_ metrics: NodeMetrics, options: ExportOptions = ExportOptions()) -> [UInt8] {
        var packets = _ShardedFamily(), bytes = _ShardedFamily(), info = _ShardedFamily()
        // A chain's resets are exported when one of its rules is, or when it had resets: the
        // cardinality options thin chains as they thin rules.
        var exportedChains = Set<ChainKey>()
        // A rule a finding names always has its series, whatever the options: the alerts
        // join its text and its rate (a culprit that has not counted yet counts from zero).
        let named = Set(metrics.findings.map(\.ruleID).filter { !$0.isEmpty })
        for rule in metrics.rules where options.exports(rule) || named.contains(rule.ruleID) {
            let labels = [("family", rule.family), ("table", rule.table), ("chain", rule.chain),
                          ("target", rule.target), ("rule_id", rule.ruleID)]
            packets.next().makeCounter(descriptor: rulePackets, labels: labels).increment(by: clamped(rule.packets))
            bytes.next().makeCounter(descriptor: ruleBytes, labels: labels).increment(by: clamped(rule.bytes))
            info.next().makeGauge(descriptor: ruleInfo, labels: [("rule_id", rule.ruleID), ("rule", rule.text)]).set(to: 1.0)
            exportedChains.insert(ChainKey(family: rule.family, table: rule.table, chain: rule.chain))
        }
        var resets = _ShardedFamily()
        for chain in metrics.chainResets
        where chain.resets > 0 || exportedChains.contains(ChainKey(family: chain.family, table: chain.table, chain: chain.chain)) {
            let labels = [("family", chain.family), ("table", chain.table), ("chain", chain.chain)]
            resets.next().makeCounter(descriptor: chainResets, labels: labels).increment(by: clamped(chain.resets))
        }
        // Two findings of one kind about one rule or chain would share a series: the higher
        // score stands for both.
        var scores: [FindingKey: Double] = [:]
        var order: [FindingKey] = []
        for f in metrics.findings {
            let key = FindingKey(kind: f.kind, severity: f.severity.rawValue, family: f.family, table: f.table,
                                 chain: f.chain, ruleID: f.ruleID)
            if let score = scores[key] {
                scores[key] = max(score, f.score)
            } else {
                scores[key] = f.score
                order.append(key)
            }
        }
        var findings = _ShardedFamily()
        for key in order {
            let labels = [("kind", key.kind), ("severity", key.severity), ("family", key.family), ("table", key.table),
                          ("chain", key.chain), ("rule_id", key.ruleID)]
            findings.next().makeGauge(descriptor: finding, labels: labels).set(to: scores[key]!)
        }
        let node = PrometheusCollectorRegistry()
        if let ratio = metrics.egressSuccessRatio {
            node.makeGauge(descriptor: egressSuccess).set(to: ratio)
        }
        if let time = metrics.lastSnapshotTime {
            node.makeGauge(descriptor: lastSnapshot).set(to: Double(time) / 1e9)
        }
        var out: [UInt8] = []
        for family in [packets, bytes, info, resets, findings] { family.emit(into: &out) }
        node.emit(into: &out)
        return out
    }

    /// Counters hold an `Int64`; a total past it (never, in practice) stays at the largest.
    private static func clamped(_ value: UInt64) -> Int64 {
        value > UInt64(Int64.max) ? .max : Int64(value)
    }

    private struct ChainKey: Hashable {
        var family, table, chain: String
    }

    private struct FindingKey: Hashable {
        var kind, severity, family, table, chain, ruleID: String
    }
}
