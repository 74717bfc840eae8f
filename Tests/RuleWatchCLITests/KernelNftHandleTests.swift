import Foundation
import Testing

/// The model incident listed by nft with rule handles (`nft -a`, and `nft -a -j`), the
/// culprits' printed steps run in the node's namespace afterwards (`IncidentFixture`'s
/// `nftText` and `nftJSON` runs, `make-capture.sh --format nft-a|nft-json --fix`): the first
/// culprit's trace goes in and out again, then each remove line takes out its culprit by
/// handle, and egress recovers.
@Suite("Kernel incident: nft handles and the printed steps")
struct KernelNftHandleTests {
    @Test(arguments: ["nft-a", "nft-json"])
    func testRemoveLinesNameTheHandleTheDumpPrinted(format: String) throws {
        let run = try Self.run(format)
        let steps = try culpritSteps(run)
        check(steps.count == 2, "expected two culprits, got \(steps.count)", run)
        let capture = try String(contentsOf: run.capture, encoding: .utf8)
        for s in steps {
            check(s.check.isEmpty && s.remove.count == 1, "a handle needs no check: \(s)", run)
            let pattern = #"^nft delete rule ip nat PREROUTING handle ([0-9]+)$"#
            let line = s.remove.first ?? ""
            guard let m = line.range(of: pattern, options: .regularExpression) else {
                check(false, "the remove line names no handle: \(line)", run)
                continue
            }
            let handle = String(line[m].split(separator: " ").last!)
            // The handle is the one the dump printed after the rule.
            let printed = format == "nft-a" ? "# handle \(handle)\n" : "\"handle\": \(handle), \"expr\""
            check(capture.contains(printed), "handle \(handle) is not in the capture", run)
        }
    }

    @Test(arguments: ["nft-a", "nft-json"])
    func testTraceGoesInAndOutAgain(format: String) throws {
        let run = try Self.run(format)
        let steps = try culpritSteps(run)
        guard let first = steps.first else { return check(false, "no culprit", run) }
        let before = try rules(run, "fix-before.rules")
        let traced = try rules(run, "fix-after-\(first.confirm.count).rules")
        let trace = traced.subtracting(before)
        check(before.subtracting(traced).isEmpty && trace.count == first.confirm.filter { $0.hasPrefix("nft add rule ") }.count
                  && trace.allSatisfy { $0.hasPrefix("ip rulewatch_trace/") && $0.hasSuffix("meta nftrace set 1") },
              "the confirm lines added \(trace.sorted()) and removed \(before.subtracting(traced).sorted())", run)
        let undone = try rules(run, "fix-after-\(first.confirm.count + first.undoConfirm.count).rules")
        check(undone == before, "the undo line left \(undone.symmetricDifference(before).sorted())", run)
        let text = try String(contentsOf: run.directory.appendingPathComponent(
            "fix-after-\(first.confirm.count + first.undoConfirm.count).rules"), encoding: .utf8)
        check(!text.contains("rulewatch_trace"), "the trace table is still there", run)
    }

    @Test(arguments: ["nft-a", "nft-json"])
    func testEachRemoveLineTakesOutExactlyOneCulprit(format: String) throws {
        let run = try Self.run(format)
        let steps = try culpritSteps(run)
        guard let first = steps.first else { return check(false, "no culprit", run) }
        var n = first.confirm.count + first.undoConfirm.count
        var rules = try rules(run, "fix-after-\(n).rules")
        var removed: [String] = []
        for _ in steps {
            n += 1
            let after = try self.rules(run, "fix-after-\(n).rules")
            let gone = rules.subtracting(after), added = after.subtracting(rules)
            check(gone.count == 1 && added.isEmpty, "remove line \(n) took out \(gone.sorted()) and added \(added.sorted())", run)
            removed += gone
            rules = after
        }
        check(!FileManager.default.fileExists(atPath: run.directory.appendingPathComponent("fix-after-\(n + 1).rules").path),
              "more fix lines ran than expected", run)
        let ports = Set(removed.compactMap { $0.contains("redirect to :47443") ? 443 : $0.contains("redirect to :47080") ? 80 : nil })
        check(removed.count == 2 && ports == [80, 443] && removed.allSatisfy { $0.hasPrefix("ip nat/PREROUTING: ") },
              "the remove lines took out \(removed); expected the two REDIRECT rules of nat PREROUTING", run)
    }

    @Test(arguments: ["nft-a", "nft-json"])
    func testEgressRecoversAfterTheRemoveLines(format: String) throws {
        let run = try Self.run(format)
        let text = try String(contentsOf: run.directory.appendingPathComponent("fix-egress.txt"), encoding: .utf8)
        let numbers = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        check(numbers.count == 2 && numbers[1] > 0 && numbers[0] == numbers[1],
              "egress after the fix: '\(text.trimmingCharacters(in: .whitespacesAndNewlines))' (ok total); expected all ok", run)
    }

    /// The store keeps each rule's handle: `report` over the ingested capture prints the
    /// remove lines `analyze` prints over the capture itself.
    @Test(arguments: ["nft-a", "nft-json"])
    func testReportFromTheStoreNamesTheSameHandles(format: String) throws {
        let run = try Self.run(format)
        let dir = try Tool.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("rw.db").path
        let ingest = try IncidentToolRun.run(["ingest", "--store", db, "--source", "node", "capture.txt"], in: run.directory)
        check(ingest.status == 0, "ingest exited \(ingest.status): \(ingest.stderr)", run)
        let report = try IncidentToolRun.run(["report", "--store", db, "--source", "node", "--format", "json"], in: run.directory)
        check(report.status == 0, "report exited \(report.status): \(report.stderr)", run)
        let analyze = try IncidentToolRun.run(["analyze", "capture.txt", "--format", "json"], in: run.directory)
        let fromStore = try removeLines(report.stdout), fromCapture = try removeLines(analyze.stdout)
        check(fromCapture.count == 2 && fromCapture.allSatisfy { $0.contains(" handle ") && !$0.hasSuffix(" handle N") },
              "analyze's remove lines name no handles: \(fromCapture)", run)
        check(fromStore == fromCapture, "report prints \(fromStore), analyze \(fromCapture)", run)
    }

    // MARK: - Helpers

    private func removeLines(_ json: String) throws -> [String] {
        struct Report: Decodable {
            struct Entry: Decodable {
                var role: String
                var nextSteps: Steps?
                enum CodingKeys: String, CodingKey {
                    case role
                    case nextSteps = "next_steps"
                }
            }
            var entries: [Entry]
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(json.utf8))
        return report.entries.filter { $0.role == "culprit" }.compactMap(\.nextSteps).flatMap(\.remove)
    }

    static func run(_ format: String) throws -> IncidentRun {
        let fixture = try IncidentFixture.get()
        return format == "nft-a" ? fixture.nftText : fixture.nftJSON
    }

    struct Steps: Decodable {
        var confirm: [String]
        var undoConfirm: [String]
        var check: [String]
        var remove: [String]
        enum CodingKeys: String, CodingKey {
            case confirm, check, remove
            case undoConfirm = "undo_confirm"
        }
    }

    /// The culprits' next steps as `analyze` prints them now: the same lines the fix ran.
    private func culpritSteps(_ run: IncidentRun) throws -> [Steps] {
        struct Report: Decodable {
            struct Entry: Decodable {
                var role: String
                var nextSteps: Steps?
                enum CodingKeys: String, CodingKey {
                    case role
                    case nextSteps = "next_steps"
                }
            }
            var entries: [Entry]
        }
        let result = try IncidentToolRun.run(["analyze", "capture.txt", "--egress", "egress.csv", "--format", "json"],
                                             in: run.directory)
        check(result.status == 0, "analyze exited \(result.status): \(result.stderr)", run)
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        return report.entries.filter { $0.role == "culprit" }.compactMap(\.nextSteps)
    }

    /// The rules of an `nft list ruleset` (counters taken out by the script), each as
    /// `FAMILY TABLE/CHAIN: STATEMENT`, numbered when a chain holds the same one twice.
    private func rules(_ run: IncidentRun, _ name: String) throws -> Set<String> {
        let text = try String(contentsOf: run.directory.appendingPathComponent(name), encoding: .utf8)
        var table = "", chain = ""
        var seen: [String: Int] = [:]
        var out: Set<String> = []
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("table ") {
                table = line.dropFirst(6).replacingOccurrences(of: " {", with: "")
                chain = ""
            } else if line.hasPrefix("chain ") {
                chain = line.dropFirst(6).replacingOccurrences(of: " {", with: "")
            } else if line == "}" {
                chain = ""
            } else if line.isEmpty || line.hasPrefix("type ") || line.hasPrefix("policy ") {
                continue
            } else if !chain.isEmpty {
                let key = "\(table)/\(chain): \(line)"
                seen[key, default: 0] += 1
                out.insert(seen[key]! == 1 ? key : "\(key) #\(seen[key]!)")
            }
        }
        return out
    }

    private func check(_ condition: Bool, _ message: @autoclosure () -> String, _ run: IncidentRun,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        guard !condition else { return }
        run.keep()
        Issue.record(Comment(rawValue: "\(message())\n\(run.context)"), sourceLocation: sourceLocation)
    }
}
