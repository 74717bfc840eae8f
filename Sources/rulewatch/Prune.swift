import ArgumentParser
import RuleWatchCore
import RuleWatchStore

extension RuleWatch {
    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune",
            abstract: "Drop stored snapshots older than --keep.",
            discussion: """
            Every source's snapshots older than the duration are dropped; each source keeps at \
            least its newest. Each living rule keeps its last counters (the first snapshot kept \
            takes them as its base), so later deltas stay right, and the running totals and \
            resets that `export` reads do not change. The file does not shrink: SQLite reuses \
            the freed pages for later snapshots.

            Examples:
              rulewatch prune --keep 7d                   # daily, from cron
              rulewatch prune --store /tmp/rw.db --keep 36h

            Exit status: 0 done; 64 usage; 65 not a store; 66 no store; 74 cannot write.
            """)

        @OptionGroup var storeOptions: StoreOptions

        @Option(help: ArgumentHelp("How much to keep: a duration such as 7d, 36h, 2w.", valueName: "duration"))
        var keep: String

        func validate() throws {
            if TimeArgument.duration(keep) == nil {
                throw ValidationError("--keep '\(keep)' is not a duration: give a number and s, m, h, d or w (7d)")
            }
        }

        func run() throws {
            let store = try storeOptions.open(create: false)
            let cutoff = IngestRequest.clock() - TimeArgument.duration(keep)!
            let outcome = try StoreOptions.reportingStoreErrors { try store.prune(olderThan: cutoff) }
            if outcome.dropped.isEmpty {
                Terminal.standardOutput.write("nothing older than \(CivilTime.iso8601(nanoseconds: cutoff))\n")
            }
            for (source, n) in outcome.dropped.sorted(by: { $0.key < $1.key }) {
                Terminal.standardOutput.write("\(source): dropped \(n) snapshot\(n == 1 ? "" : "s") older than \(CivilTime.iso8601(nanoseconds: cutoff))\n")
            }
        }
    }
}
