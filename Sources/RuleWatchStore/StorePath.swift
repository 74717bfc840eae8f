import Foundation

/// Where a store lives when `--store` does not say, and the source name a node's snapshots
/// are filed under when `--source` does not say.
public enum StorePath {
    /// `explicit`, else `$RULEWATCH_STORE`, else `/var/lib/rulewatch/rulewatch.db` for root,
    /// else `$XDG_STATE_HOME/rulewatch/rulewatch.db` (`~/.local/state/rulewatch/rulewatch.db`).
    public static func resolve(_ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                               isRoot: Bool = geteuid() == 0) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = environment["RULEWATCH_STORE"], !env.isEmpty { return env }
        if isRoot { return "/var/lib/rulewatch/rulewatch.db" }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/rulewatch/rulewatch.db"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/rulewatch/rulewatch.db"
    }

    /// The host name: what `--source` defaults to.
    public static func defaultSource() -> String {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "localhost" }
        let host = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return host.isEmpty ? "localhost" : host
    }
}
