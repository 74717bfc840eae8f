import Foundation
import Synchronization

/// One `iptables-save -c` of the full kube node (about 33,000 rules), made once per test
/// process on the running kernel by `Samples/kube-node/make-save.sh` in a namespace of its
/// own, removed when the process exits.
enum KubeNodeSnapshot {
    struct Unavailable: Error, CustomStringConvertible { var description: String }

    static let shared: Result<URL, Unavailable> = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rulewatch-kube-save-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        directory.withLock { $0 = dir.path }
        atexit {
            if let path = KubeNodeSnapshot.directory.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
        }
        let out = dir.appendingPathComponent("save-c.txt")
        let process = Process()
        process.executableURL = Tool.repoRoot.appendingPathComponent("Samples/kube-node/make-save.sh")
        process.arguments = [out.path, "--services", "3000", "--seed", "1"]
        do { try process.run() } catch { return .failure(Unavailable(description: "make-save.sh: \(error)")) }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(Unavailable(description: "Samples/kube-node/make-save.sh exited \(process.terminationStatus) (it needs root, ip, iptables and python3)"))
        }
        return .success(out)
    }()

    private static let directory = Mutex<String?>(nil)

    static func get() throws -> URL { try shared.get() }
}
