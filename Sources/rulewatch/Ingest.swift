import ArgumentParser
import RuleWatchCore
import RuleWatchStore

extension RuleWatch {
    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ingest",
            abstract: "Record dumps or a rolling capture in the store.",
            discussion: """
            Each snapshot becomes one, in a transaction of its own; its time is --time, else the \
            capture's own timestamp lines, else now. The same snapshot again (same source and \
            time) is not stored twice, and says so.

            A plain FILE without --time is read as a rolling capture: each run reads only what \
            was appended since the last (the store remembers the file by device, inode, offset \
            and a CRC of the last snapshot read there), through logrotate's rename and \
            copytruncate. Its last snapshot is taken once the file has been quiet for \
            \(Int(IngestRequest.defaultQuietSeconds)) seconds (a run waits that long at most) \
            and its dump is whole; one still being written is left for the next run.

            Examples:
              iptables-save -c | rulewatch ingest --store /tmp/rw.db --egress 97/100 -
              rulewatch ingest --time 2026-11-24T10:00:00Z dump.txt
              rulewatch ingest /var/log/rulewatch/capture.txt   # every minute, from cron

            Exit status: 0 stored (or already stored); 64 usage; 65 bad data or not a store; \
            66 missing input; 74 cannot write the store (read-only, disk full).
            """)

        @OptionGroup var storeOptions: StoreOptions

        @Option(help: ArgumentHelp("The snapshot's time (one dump): ISO 8601 or @EPOCH.", valueName: "time"))
        var time: String?

        @Option(help: ArgumentHelp("Egress of the interval that ended at this snapshot: OK/TOTAL connection attempts.", valueName: "ok/total"))
        var egress: String?

        @Flag(name: .shortAndLong, help: "Print nothing when all went well.")
        var quiet = false

        @OptionGroup var capture: CaptureOptions

        func validate() throws {
            let zone = try capture.parseOptions().timeZone
            if let time, TimestampParser.parse(time, zone: zone) == nil {
                throw ValidationError("--time '\(time)' is not a time: give ISO 8601 (2026-11-24T10:00:00Z) or @EPOCH")
            }
            if let egress, Self.egressSample(egress) == nil {
                throw ValidationError("--egress '\(egress)' is not OK/TOTAL: give two counts such as 97/100, OK not above TOTAL")
            }
        }

        static func egressSample(_ text: String) -> EgressSample? {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let ok = UInt64(parts[0]), let total = UInt64(parts[1]), ok <= total else { return nil }
            return EgressSample(ok: ok, total: total)
        }

        func run() throws {
            Terminal.ignoreBrokenPipes()
            let options = try capture.parseOptions()
            let source = storeOptions.sourceName
            let request = IngestRequest(source: source, time: time.flatMap { TimestampParser.parse($0, zone: options.timeZone) },
                                        egress: egress.flatMap(Self.egressSample), parse: options)
            let store = try storeOptions.open(create: true)
            let files = capture.files.isEmpty ? ["-"] : capture.files
            let err = Terminal.standardError
            // A long capture is read, then stored a snapshot at a time: say how far on a terminal.
            let onProgress: ((IngestProgress) -> Void)? = err.isTerminal ? { progress in
                switch progress {
                case .reading(let bytes, let total): err.progress(read: bytes, total: total)
                case .storing(let done, let total): err.progress("storing", done: done, of: total, "snapshots")
                }
            } : nil
            if err.isTerminal { err.beginProgress() }
            let outcome = try StoreOptions.reportingStoreErrors {
                try Terminal.reportingCaptureErrors {
                    defer { err.clearProgress() }
                    return try store.ingest(files: files, request: request, onWarning: { warning in
                        err.clearProgress()
                        err.write(warning.description + "\n")
                    }, onProgress: onProgress)
                }
            }
            for t in outcome.older {
                Terminal.standardError.write("warning: \(source): a snapshot at \(CivilTime.iso8601(nanoseconds: t)) comes before the source's pruned history or more than \(RuleStore.lateLimit) snapshots back; not stored\n")
            }
            guard !quiet else { return }
            let out = Terminal.standardOutput
            for (i, t) in outcome.stored.enumerated() {
                out.write("stored \(source) \(CivilTime.iso8601(nanoseconds: t)): \(outcome.rules[i]) rules, \(outcome.changed[i]) changed\n")
            }
            for t in outcome.alreadyStored {
                out.write("already stored \(source) \(CivilTime.iso8601(nanoseconds: t)): nothing written\n")
            }
            if outcome.leftForLater > 0 {
                out.write("left the last snapshot for the next run: still being written\n")
            }
            for path in outcome.nothingNew {
                out.write("nothing new in \(path) since the last run\n")
            }
        }
    }
}
