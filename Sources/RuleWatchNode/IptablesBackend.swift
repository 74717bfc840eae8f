/// Which kernel interface `iptables` drives on this node, from `iptables -V`:
/// `iptables v1.8.9 (nf_tables)` or `iptables v1.8.9 (legacy)`; iptables before 1.8 prints
/// neither and is legacy.
public enum IptablesBackend: String, Sendable, Hashable {
    case nfTables = "nf_tables"
    case legacy

    public init?(versionOutput: String) {
        guard let line = versionOutput.split(separator: "\n").first(where: { $0.hasPrefix("iptables") || $0.hasPrefix("ip6tables") }) else {
            return nil
        }
        if line.contains("(nf_tables)") {
            self = .nfTables
        } else if line.contains(" v") {
            self = .legacy
        } else {
            return nil
        }
    }
}
