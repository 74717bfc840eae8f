import Foundation

/// `Samples/incident/capture.txt` (a real-kernel capture) cut into its snapshots: each
/// interval is a timestamp line, `# egress ok=N total=N`, then the dump.
enum IncidentSample {
    static let capture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/incident/capture.txt")

    static func bytes() throws -> [UInt8] { [UInt8](try Data(contentsOf: capture)) }

    /// The snapshots' texts, each with its timestamp and egress lines.
    static func snapshots() throws -> [String] {
        let text = try String(contentsOf: capture, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var pieces: [[Substring]] = []
        for (i, line) in lines.enumerated() {
            if i + 1 < lines.count, lines[i + 1].hasPrefix("# egress ok=") {
                pieces.append([line])
            } else if !pieces.isEmpty {
                pieces[pieces.count - 1].append(line)
            }
        }
        return pieces.map { $0.joined(separator: "\n").trimmingCharacters(in: .newlines) + "\n" }
    }
}
