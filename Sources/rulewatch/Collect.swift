import ArgumentParser
import RuleWatchCore
import RuleWatchNode
import RuleWatchStore

extension RuleWatch {
    struct Collect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "collect",
            abstract: "Take the node's firewall dumps now, store them and tell new critical findings (the cron line).",
            discussion: """
            Finds the node's backends and takes each table once: `iptables -V` tells nf_tables \
            from legacy; `iptables-save -c` and `ip6tables-save -c` print iptables' tables (and \
            `iptables-legacy-save -c` too when iptables warns that legacy tables exist); the kernel's \
            list of nftables tables (one netlink dump; `nft list tables` if that fails) names \
            the rest (native nft tables, and the arp and bridge tables of arptables-nft and \
            ebtables-nft), each taken with `nft -j list table`. Under \
            iptables-nft, nft lists iptables' tables as well: they are not asked twice. Every \
            network namespace's TCP counters are read too (the `# tcp` lines: the egress \
            signal when there is no probe).

            The tools are looked up in PATH (a cron job's PATH may lack /usr/sbin: set it). \
            Each runs under --timeout. A tool the node lacks is skipped with a note; one that \
            fails or times out is reported on standard error with what it printed there, the \
            rest is still taken and stored, and the exit status is 74.

            --egress-probe opens --probe-connections TCP connections to each HOST:PORT and \
            records how many succeeded as the snapshot's egress. Give --probe-netns with a \
            pod's network namespace (a name under /var/run/netns, or a pod process's pid): a \
            probe from the node's own namespace leaves through OUTPUT and cannot see a \
            PREROUTING rule like the one that REDIRECTed pods' port 443 to nowhere, and is \
            warned about.

            The snapshot is stored (--store, --source as for ingest), then the analyzer runs \
            over the last --window of the stored history and prints the critical findings the \
            history up to the previous snapshot did not have: silent when nothing is new, so \
            cron mails only news. --fail-on looks at every finding of that analysis, as in \
            analyze. Notes and warnings about the run are written as `# collect:` lines in the \
            snapshot and shown on standard error only when it is a terminal.

            --print writes the snapshot to standard output as capture text instead of storing \
            it: a timestamp line, `# egress`, `# tcp` and `# collect:` lines, then the dumps \
            (`collect --print >> capture.txt` keeps a rolling capture that ingest reads).

            Examples:
              rulewatch collect --egress-probe 10.96.0.1:443,1.1.1.1:443 \\
                  --probe-netns cni-1234
              rulewatch collect --print >> /var/log/rulewatch/capture.txt
              rulewatch collect --textfile /var/lib/node_exporter/textfile/rulewatch.prom
              rulewatch collect --fail-on critical \\
                  --ignore 'nat/PREROUTING/DNAT~10\\.96\\.0\\.10'

            Exit status: 0 done; 1 a finding at or above --fail-on; 64 usage; 65 not a store; \
            74 a tool failed or timed out, the probe could not run, or the store cannot be \
            written (what could be taken is still stored).
            """)

        @OptionGroup var storeOptions: StoreOptions

        @Flag(name: .customLong("print"), help: "Write the snapshot to standard output, as capture text, instead of storing it.")
        var printCapture = false

        @Option(help: ArgumentHelp("Seconds each tool may run before it is killed.", valueName: "seconds"))
        var timeout: Double = 10

        @Option(name: .customLong("egress-probe"),
                help: ArgumentHelp("Endpoints to open TCP connections to, for the egress signal: HOST:PORT[,HOST:PORT...] ([ADDR]:PORT for IPv6).",
                                   valueName: "endpoints"))
        var egressProbe: String?

        @Option(name: .customLong("probe-netns"),
                help: ArgumentHelp("Probe from this network namespace: a name under /var/run/netns, or a process id.", valueName: "name|pid"))
        var probeNetns: String?

        @Option(name: .customLong("probe-connections"), help: ArgumentHelp("Connections per endpoint.", valueName: "n"))
        var probeConnections = 3

        @Option(name: .customLong("probe-timeout"), help: ArgumentHelp("Seconds a probe connection may take.", valueName: "seconds"))
        var probeTimeout: Double = 2

        @Option(help: ArgumentHelp("How much stored history the analysis looks at, back from this snapshot (30m, 2h, 1d), unless --since says.",
                                   valueName: "duration"))
        var window = "2h"

        @OptionGroup var analysis: AnalysisOptions

        /// `--textfile PATH`: after storing, the node's metrics for node_exporter's textfile collector.
        @OptionGroup var metrics: MetricsOptions

        func validate() throws {
            guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
            guard probeTimeout > 0, probeTimeout.isFinite else { throw ValidationError("--probe-timeout must be a positive number of seconds") }
            guard (1 ... 1000).contains(probeConnections) else { throw ValidationError("--probe-connections must be 1 to 1000") }
            if probeNetns != nil && egressProbe == nil { throw ValidationError("--probe-netns needs --egress-probe") }
            guard let w = TimeArgument.duration(window), w > 0 else {
                throw ValidationError("--window '\(window)' is not a duration: give one such as 30m, 2h or 1d")
            }
            try analysis.validate(zone: .utc)
            _ = try probe()
        }

        /// The probe the flags ask for, if any.
        func probe() throws -> EgressProbe? {
            guard let egressProbe else { return nil }
            let endpoints: [ProbeEndpoint]
            do { endpoints = try ProbeEndpoint.parseList(egressProbe) } catch {
                throw ValidationError("--egress-probe \(error)")
            }
            var namespace: ProbeNamespace?
            if let probeNetns {
                do { namespace = try ProbeNamespace(parsing: probeNetns) } catch {
                    throw ValidationError("--probe-netns \(error)")
                }
            }
            return EgressProbe(endpoints: endpoints, connectionsPerEndpoint: probeConnections,
                               timeout: .milliseconds(Int64(probeTimeout * 1000)), namespace: namespace)
        }

        func run() async throws {
            Terminal.ignoreBrokenPipes()
            HeapTuning.keepLargeBuffersMapped()
            let collector = NodeCollector(runner: ToolRunner(timeout: .milliseconds(Int64(timeout * 1000))))
            let capture = await collector.collect(probe: try probe())
            report(capture.messages)
            if printCapture {
                Terminal.standardOutput.write(String(decoding: capture.text(), as: UTF8.self))
            } else {
                try store(capture)
            }
            if capture.hasErrors { throw ExitCode(74) }
        }

        /// Stores the snapshot, then tells what is newly critical.
        private func store(_ capture: NodeCapture) throws {
            let store = try storeOptions.open(create: true)
            let source = storeOptions.sourceName
            let outcome = try StoreOptions.reportingStoreErrors {
                try Terminal.reportingCaptureErrors {
                    try store.ingest(bytes: capture.text(), name: "collect", request: IngestRequest(source: source)) { warning in
                        Terminal.standardError.write(warning.description + "\n")
                    }
                }
            }
            for t in outcome.older {
                Terminal.standardError.write("warning: collect: \(source): the snapshot of \(CivilTime.iso8601(nanoseconds: t)) is older than the newest stored (is the clock right?): not stored\n")
            }
            guard let time = outcome.stored.last else {
                if Terminal.standardError.isTerminal, let t = outcome.alreadyStored.first {
                    Terminal.standardError.write("note: collect: \(source) already has a snapshot at \(CivilTime.iso8601(nanoseconds: t)): nothing stored\n")
                }
                return
            }
            let config = try analysis.analyzerConfig()
            var filter = try analysis.filter(zone: .utc)
            filter.since = filter.since ?? time - TimeArgument.duration(window)!
            if filter.until.map({ $0 < time }) ?? false { filter.until = nil }
            let (current, previous) = try StoreOptions.reportingStoreErrors {
                let history = try store.history(source: source, since: filter.since, until: time)
                let current = Analyzer(config: config).analyze(history, egress: nil, filter: filter)
                // The same analysis one snapshot earlier: what a previous run would have said.
                let earlier = try store.snapshots(source: source, since: filter.since, until: time).map(\.time).filter { $0 < time }.max()
                let previous = try earlier.map { until -> AnalysisResult in
                    var f = filter
                    f.until = until
                    return Analyzer(config: config).analyze(try store.history(source: source, since: f.since, until: until), egress: nil, filter: f)
                }
                return (current, previous)
            }
            let news = NewFindings.new(in: current, since: previous)
            if !news.isEmpty {
                let out = Terminal.standardOutput
                let newKeys = Set(news.map(NewFindings.key))
                let told = current.keeping { newKeys.contains(NewFindings.key($0)) }
                out.write("\(source): new critical finding\(news.count == 1 ? "" : "s") at \(CivilTime.iso8601(nanoseconds: time)):\n")
                out.write(told.text(color: out.wantsColor, width: out.isTerminal ? out.columns : 80))
            }
            if metrics.textfile != nil { try metrics.write(store: store, source: source, config: config) }
            try analysis.exitIfFailing(current)
        }

        /// Errors always go to standard error (cron mails them); notes and warnings only to a
        /// person at a terminal, since the snapshot keeps them as `# collect:` lines anyway.
        private func report(_ messages: [CollectMessage]) {
            let err = Terminal.standardError
            for m in messages where m.severity == .error || err.isTerminal {
                err.write("\(m.severity.rawValue): collect: \(m.message)\n")
            }
        }
    }
}
