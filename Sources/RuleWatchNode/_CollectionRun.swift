import RuleWatchCore

/// The steps of one collection (see `NodeCollector`): which tools ran, what they printed,
/// which tables are taken, and what there is to say about it.
struct _CollectionRun {
    let runner: ToolRunner
    var dumps: [CapturedDump] = []
    var messages: [CollectMessage] = []
    var invocations: [ToolInvocation] = []
    /// Tables already in `dumps`.
    private var taken: Set<NodeTable> = []
    /// Tables an nf_tables save printed: nft lists them too, and must not be asked.
    private var ownedByIptablesNft: Set<NodeTable> = []
    /// Families whose nf_tables save failed: their iptables tables are left out rather
    /// than taken through nft in another form (their rules would look new).
    private var unreadableFamilies: Set<Family> = []

    init(runner: ToolRunner) {
        self.runner = runner
    }

    mutating func take() async {
        let backend = await iptablesBackend()
        var legacyWarned: [Family] = []
        for (tool, family) in [("iptables-save", Family.ip), ("ip6tables-save", .ip6)] {
            let (save, invocation) = await runSave(tool, family: family)
            guard let save else {
                if case .missing = invocation.outcome {} else if backend != .legacy { unreadableFamilies.insert(family) }
                continue
            }
            if invocation.errorOutput.contains("legacy tables present") || save.warnsOfLegacy {
                legacyWarned.append(family)
            }
        }
        if backend == .nfTables || backend == nil {
            for family in legacyWarned {
                let tool = family == .ip ? "iptables-legacy-save" : "ip6tables-legacy-save"
                messages.append(CollectMessage(.note, "\(family == .ip ? "iptables" : "ip6tables") warns that legacy tables exist: taking them with \(tool) -c too"))
                await runSave(tool, family: family)
            }
        }
        await takeNftTables(backend: backend)
    }

    // MARK: - iptables

    private mutating func iptablesBackend() async -> IptablesBackend? {
        let version = await runner.run("iptables", ["-V"])
        invocations.append(version)
        switch version.outcome {
        case .missing:
            messages.append(CollectMessage(.note, "iptables is not on PATH (\(runner.searchPath.joined(separator: ":"))): no iptables backend"))
            return nil
        case .finished(0, let output, let errors):
            if let backend = IptablesBackend(versionOutput: String(decoding: output, as: UTF8.self) + errors) {
                return backend
            }
            messages.append(CollectMessage(.warning, "iptables -V printed no version this collector knows: \(String(decoding: output, as: UTF8.self))"))
            return nil
        default:
            report(version)
            return nil
        }
    }

    /// Runs one save tool and takes its tables; no dump when it is missing or failed.
    @discardableResult
    private mutating func runSave(_ tool: String, family: Family) async -> (SaveDump?, ToolInvocation) {
        let invocation = await runner.run(tool, ["-c"])
        invocations.append(invocation)
        guard let output = invocation.successfulOutput else {
            report(invocation)
            return (nil, invocation)
        }
        let save = SaveDump(output: output, family: family)
        var dropped: Set<String> = []
        var tables: [NodeTable] = []
        for table in save.tables {
            // nft lists an nf_tables save's tables too, even one left out below.
            if save.isNfTables { ownedByIptablesNft.insert(table) }
            if taken.contains(table) {
                dropped.insert(table.name)
                messages.append(CollectMessage(.warning, "\(table) is held by both legacy iptables and iptables-nft: the \(save.isNfTables ? "nf_tables" : "legacy") one (\(invocation.commandLine)) is left out, since a capture cannot hold two tables of one name"))
                continue
            }
            tables.append(table)
            taken.insert(table)
        }
        dumps.append(CapturedDump(command: invocation.commandLine, tables: tables, bytes: save.bytes(dropping: dropped)))
        return (save, invocation)
    }

    // MARK: - nft

    private mutating func takeNftTables(backend: IptablesBackend?) async {
        guard runner.locate("nft") != nil else {
            report(ToolInvocation(tool: "nft", arguments: [], outcome: .missing))
            return
        }
        let listed: [NodeTable]
        do {
            listed = try NftablesNetlink.tables()
        } catch {
            // nft names them too, only slower on a big ruleset.
            messages.append(CollectMessage(.note, "\(error): asking nft list tables instead"))
            let list = await runner.run("nft", ["list", "tables"])
            invocations.append(list)
            guard let output = list.successfulOutput else {
                report(list)
                return
            }
            listed = NodeTable.parseNftList(output)
        }
        if backend == .legacy {
            // iptables-nft tables beside legacy iptables (a component that brought its own
            // iptables-nft): their own save prints them as their owners wrote them.
            for (tool, family) in [("iptables-nft-save", Family.ip), ("ip6tables-nft-save", .ip6)]
            where listed.contains(where: { $0.family == family && $0.isXtablesShaped && !taken.contains($0) }) {
                await runSave(tool, family: family)
            }
        }
        for table in listed {
            if ownedByIptablesNft.contains(table) { continue }
            if unreadableFamilies.contains(table.family) && table.isXtablesShaped {
                messages.append(CollectMessage(.note, "\(table) left out: it looks like iptables', whose save failed"))
                continue
            }
            if taken.contains(table) {
                messages.append(CollectMessage(.warning, "\(table) is held by both legacy iptables and nftables: the nft one is left out, since a capture cannot hold two tables of one name"))
                continue
            }
            let invocation = await runner.run("nft", ["-j", "list", "table", table.family.rawValue, table.name])
            invocations.append(invocation)
            guard let json = invocation.successfulOutput else {
                report(invocation)
                continue
            }
            taken.insert(table)
            dumps.append(CapturedDump(command: invocation.commandLine, tables: [table], bytes: json))
        }
    }

    // MARK: - Messages

    /// A missing tool is a note; a failing one an error with its standard error.
    private mutating func report(_ invocation: ToolInvocation) {
        switch invocation.outcome {
        case .missing:
            messages.append(CollectMessage(.note, "\(invocation.tool) is not on PATH: skipped"))
        case .finished(let status, _, let errors):
            let why = status > 128 ? "killed by signal \(status - 128)" : "exit status \(status)"
            messages.append(CollectMessage(.error, "\(invocation.commandLine): \(why)\(Self.quoted(errors))"))
        case .timedOut(let errors):
            messages.append(CollectMessage(.error, "\(invocation.commandLine): still running after \(runner.timeout.secondsText): killed\(Self.quoted(errors))"))
        case .failedToRun(let reason):
            messages.append(CollectMessage(.error, "\(invocation.commandLine): \(reason)"))
        }
    }

    private static func quoted(_ errors: String) -> String {
        let trimmed = errors.split(whereSeparator: \.isNewline).joined(separator: "\n")
        return trimmed.isEmpty ? "" : ": " + trimmed
    }
}
