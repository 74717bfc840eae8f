import ArgumentParser
import RuleWatchCore
import RuleWatchNode

extension RuleWatch {
    struct Collect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take the node's firewall dumps now (the cron line).",
            discussion: """
            Finds the node's backends and takes each table once: `iptables -V` tells nf_tables \
            from legacy; `iptables-save -c` and `ip6tables-save -c` print iptables' tables (and \
            `iptables-legacy-save -c` too when iptables warns that legacy tables exist); `nft \
            list tables` names the rest (native nft tables, and the arp and bridge tables of \
            arptables-nft and ebtables-nft), each taken with `nft -j list table`. Under \
            iptables-nft, nft lists iptables' tables as well: they are not asked twice.

            The tools are looked up in PATH (a cron job's PATH may lack /usr/sbin: set it). \
            Each runs under --timeout. A tool the node lacks is skipped with a note; one that \
            fails or times out is reported on standard error with what it printed there, the \
            rest is still taken, and the exit status is 74.

            --egress-probe opens --probe-connections TCP connections to each HOST:PORT and \
            writes how many succeeded as the snapshot's `# egress ok=N total=N`. Give \
            --probe-netns with a pod's network namespace (a name under /var/run/netns, or a \
            pod process's pid): a probe from the node's own namespace leaves through OUTPUT \
            and cannot see a PREROUTING rule like the one that REDIRECTed pods' port 443 to \
            nowhere, and is warned about.

            The snapshot is written in the capture text every command reads: a timestamp \
            line, `# egress`, `# collect:` lines saying what the run found (notes and warnings \
            are also shown on standard error when it is a terminal), then the dumps. \
            `collect --print >> capture.txt` appends it to a rolling capture.

            Examples:
              rulewatch collect --print >> /var/log/rulewatch/capture.txt
              rulewatch collect --print --egress-probe 10.96.0.1:443,1.1.1.1:443 --probe-netns cni-1234

            Exit status: 0 done; 64 usage; 74 a tool failed or timed out, or the probe could \
            not run (what could be taken is still written).
            """)

        @Flag(name: .customLong("print"), help: "Write the snapshot to standard output, as capture text.")
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

        func validate() throws {
            guard printCapture else {
                throw ValidationError("give --print: collect writes the snapshot to standard output")
            }
            guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
            guard probeTimeout > 0, probeTimeout.isFinite else { throw ValidationError("--probe-timeout must be a positive number of seconds") }
            guard (1 ... 1000).contains(probeConnections) else { throw ValidationError("--probe-connections must be 1 to 1000") }
            if probeNetns != nil && egressProbe == nil { throw ValidationError("--probe-netns needs --egress-probe") }
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
            let collector = NodeCollector(runner: ToolRunner(timeout: .milliseconds(Int64(timeout * 1000))))
            let capture = await collector.collect(probe: try probe())
            report(capture.messages)
            if printCapture {
                Terminal.standardOutput.write(String(decoding: capture.text(), as: UTF8.self))
            }
            if capture.hasErrors { throw ExitCode(74) }
        }

        /// Errors always go to standard error (cron mails them); notes and warnings only to a
        /// person at a terminal, since the capture keeps them as `# collect:` lines anyway.
        private func report(_ messages: [CollectMessage]) {
            let err = Terminal.standardError
            for m in messages where m.severity == .error || err.isTerminal {
                err.write("\(m.severity.rawValue): collect: \(m.message)\n")
            }
        }
    }
}
