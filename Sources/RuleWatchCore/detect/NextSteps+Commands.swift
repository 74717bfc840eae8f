extension NextSteps {
    /// The commands for a rule the dump of `table` showed in `chain`.
    ///
    /// - From a save: the rule's own spec with `-A` made `-D`, which deletes exactly that rule.
    /// - From a listing: the chain and position, behind a `--line-numbers` check, since a
    ///   listing's columns are not a rule spec and positions move when rules above change.
    /// - From nft: `nft delete rule FAMILY TABLE CHAIN handle N` with the handle the dump
    ///   printed (`nft -a`, `nft -j`); without one, after an `nft -a` listing names N.
    static func commands(for rule: HistoryRule, chain: HistoryChain, table: HistoryTable) -> NextSteps {
        let traits = rule.traits
        let nft = table.format == .nft || table.format == .nftJSON
        let tool = table.family == .ip6 ? "ip6tables" : "iptables"
        let hooks = traceHooks(chain.hook)
        let family = [Family.ip, .ip6, .inet].contains(table.family) ? table.family.rawValue : "inet"

        var confirm: [String]
        var watch: [String]
        var undo: [String]
        if nft {
            // A table of its own, its chains before every other at their hooks (raw is -300),
            // so that one `nft delete table` takes the whole trace out again.
            let match = nftMatch(traits)
            confirm = ["nft add table \(family) rulewatch_trace"]
            for hook in hooks {
                confirm.append("nft add chain \(family) rulewatch_trace trace_\(hook) '{ type filter hook \(hook) priority -350; }'")
                confirm.append("nft add rule \(family) rulewatch_trace trace_\(hook) \(match.isEmpty ? "" : match + " ")meta nftrace set 1")
            }
            watch = ["nft monitor trace"]
            undo = ["nft delete table \(family) rulewatch_trace"]
        } else {
            let match = iptablesMatch(traits)
            let spec = (match.isEmpty ? "" : match + " ") + "-j TRACE"
            let raws = hooks.map { $0 == "output" ? "OUTPUT" : "PREROUTING" }
            confirm = raws.map { "\(tool) -t raw -I \($0) \(spec)" }
            watch = ["xtables-monitor --trace", "dmesg -w"]
            undo = raws.map { "\(tool) -t raw -D \($0) \(spec)" }
        }

        let q = _ShellWords.quote
        var check: [String] = []
        var remove: [String]
        var note: String
        let traceNote = nft ? "" : "The trace shows in xtables-monitor under iptables-nft, in the kernel log (dmesg) under iptables-legacy. "
        if rule.isPolicy {
            if nft {
                remove = ["nft chain \(table.family.rawValue) \(q(table.name)) \(q(chain.name)) '{ policy accept; }'"]
            } else {
                remove = ["\(tool) -t \(q(table.name)) -P \(q(chain.name)) ACCEPT"]
            }
            note = "Sets the chain's policy back to accept; put back the rules that should drop, if any."
        } else {
            switch table.format {
            case .save:
                var words = _ShellWords.splitSave(rule.text)
                if words.first == "-A" || words.first == "--append" { words[0] = "-D" }
                remove = ["\(tool) -t \(q(table.name)) " + _ShellWords.join(words)]
                note = "The save's own rule spec with -A made -D: it deletes exactly this rule."
            case .listing:
                check = ["\(tool) -t \(q(table.name)) -L \(q(chain.name)) -v -n --line-numbers"]
                remove = ["\(tool) -t \(q(table.name)) -D \(q(chain.name)) \(rule.firstPosition)"]
                note = "A listing is not a rule spec: check that rule \(rule.firstPosition) of \(chain.name) is still this one before deleting by position (deleting moves the rules below it up: remove from the bottom up)."
            // (A `where` binds to the last pattern only: each pattern carries its own.)
            case .nft where rule.handle != 0, .nftJSON where rule.handle != 0:
                remove = ["nft delete rule \(table.family.rawValue) \(q(table.name)) \(q(chain.name)) handle \(rule.handle)"]
                note = "The handle the last dump that showed this rule printed for it: it deletes exactly this rule (a reloaded ruleset numbers its rules afresh: dump again with `nft -a` if it was reloaded since)."
            case .nft, .nftJSON:
                check = ["nft -a list chain \(table.family.rawValue) \(q(table.name)) \(q(chain.name))"]
                remove = ["nft delete rule \(table.family.rawValue) \(q(table.name)) \(q(chain.name)) handle N"]
                note = "The dump printed no handles (`nft list` without -a): take N from the `# handle N` that `nft -a` prints after this rule."
            }
        }
        return NextSteps(confirm: confirm, watch: watch, undoConfirm: undo, check: check, remove: remove,
                         note: traceNote + note)
    }

    /// The hooks a trace must start at to mark a flow before it reaches a rule of a chain at
    /// `hook`: traffic the node forwards or receives enters at prerouting, the node's own
    /// at output; postrouting and a jumped-to chain (no hook of its own) see both.
    static func traceHooks(_ hook: String?) -> [String] {
        switch hook {
        case "prerouting", "input", "forward": return ["prerouting"]
        case "output": return ["output"]
        default: return ["prerouting", "output"]
        }
    }

    /// `-p tcp --dport 443` for the rule's protocol and first port.
    static func iptablesMatch(_ t: RuleTraits) -> String {
        guard let proto = protocolName(t.protocolNumber) else { return "" }
        var s = "-p \(proto)"
        if t.protocolNumber == 6 || t.protocolNumber == 17, let port = firstPort(t) { s += " --dport \(port)" }
        return s
    }

    /// `tcp dport 443`, or `meta l4proto tcp` without a port.
    static func nftMatch(_ t: RuleTraits) -> String {
        guard let proto = protocolName(t.protocolNumber) else { return "" }
        if t.protocolNumber == 6 || t.protocolNumber == 17, let port = firstPort(t) { return "\(proto) dport \(port)" }
        return "meta l4proto \(proto)"
    }

    static func protocolName(_ n: UInt64) -> String? {
        switch n {
        case 0: return nil
        case 6: return "tcp"
        case 17: return "udp"
        case 1: return "icmp"
        default: return String(n)
        }
    }

    /// The port a single flow would use: an egress port the rule catches, else its first.
    static func firstPort(_ t: RuleTraits) -> Int? {
        guard let ranges = t.destinationPorts, let first = ranges.first else { return nil }
        return t.egressPortsCaught.last ?? first.lowerBound
    }
}
