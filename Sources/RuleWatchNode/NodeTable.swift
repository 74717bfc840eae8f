import RuleWatchCore

/// A table as the kernel knows it: its family and name (`ip nat`, `inet mine`).
public struct NodeTable: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var family: Family
    public var name: String

    public init(_ family: Family, _ name: String) {
        self.family = family
        self.name = name
    }

    /// The names iptables, ip6tables and their nft front ends create: a table of family
    /// `ip` or `ip6` with one of these names may be iptables-nft's.
    public static let xtablesNames: Set<String> = ["filter", "nat", "mangle", "raw", "security"]

    /// Could iptables-nft (or ip6tables-nft) have made this table?
    public var isXtablesShaped: Bool {
        (family == .ip || family == .ip6) && Self.xtablesNames.contains(name)
    }

    public var description: String { "\(family.rawValue) \(name)" }

    public static func < (a: NodeTable, b: NodeTable) -> Bool {
        (a.family.rawValue, a.name) < (b.family.rawValue, b.name)
    }

    /// The tables `nft list tables` prints, one `table FAMILY NAME` line each (newer nft may
    /// add a `# ...` comment after the name).
    public static func parseNftList(_ output: [UInt8]) -> [NodeTable] {
        var tables: [NodeTable] = []
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 3, words[0] == "table", let family = Family(rawValue: String(words[1])) else { continue }
            tables.append(NodeTable(family, String(words[2])))
        }
        return tables
    }
}
