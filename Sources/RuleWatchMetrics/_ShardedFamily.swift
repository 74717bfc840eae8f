import Prometheus

/// One metric family's series spread over registries of at most `shardSize` series each.
///
/// swift-prometheus copies a family's whole label-set dictionary each time a series is
/// added, so one registry takes time quadratic in its series: 110,000 series of a kube-proxy
/// node took minutes. Small registries keep each copy small. Each registry writes its own
/// HELP and TYPE lines; all but the first registry's are dropped, so the family appears once.
struct _ShardedFamily {
    static let shardSize = 256

    private var registries: [PrometheusCollectorRegistry] = []
    private var count = 0

    /// The registry the next series goes into.
    mutating func next() -> PrometheusCollectorRegistry {
        if count % Self.shardSize == 0 { registries.append(PrometheusCollectorRegistry()) }
        count += 1
        return registries[registries.count - 1]
    }

    func emit(into out: inout [UInt8]) {
        var buffer: [UInt8] = []
        for (i, registry) in registries.enumerated() {
            buffer.removeAll(keepingCapacity: true)
            registry.emit(into: &buffer)
            var start = 0
            if i > 0 {
                // Skip the leading `# HELP` and `# TYPE` lines: comments, one line each (help
                // texts hold no newline).
                while start < buffer.count, buffer[start] == UInt8(ascii: "#") {
                    while start < buffer.count, buffer[start] != UInt8(ascii: "\n") { start += 1 }
                    start += 1
                }
            }
            out.append(contentsOf: buffer[min(start, buffer.count)...])
        }
    }
}
