import Foundation

/// Runs programs for the tests: the `ip`, iptables and nft that build a test's namespaces,
/// and the built `rulewatch`.
enum Shell {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `path` to its end; `environment` entries replace the inherited ones.
    @discardableResult
    static func run(_ path: String, _ arguments: [String], stdin: String? = nil,
                    environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe(), inp = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inp
        try process.run()
        let outData = Collected(), errData = Collected()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outData.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? inp.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData.data, as: UTF8.self),
                      stderr: String(decoding: errData.data, as: UTF8.self))
    }

    /// Runs and throws unless it exits 0.
    @discardableResult
    static func check(_ path: String, _ arguments: [String], stdin: String? = nil) throws -> Result {
        let r = try run(path, arguments, stdin: stdin)
        guard r.status == 0 else {
            throw Failure(description: "\(([path] + arguments).joined(separator: " ")) exited \(r.status): \(r.stderr)")
        }
        return r
    }

    /// Where `name` is: PATH, then the sbin directories a root shell has.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return dirs.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Like `find`, but a missing tool is an error that names it.
    static func require(_ name: String) throws -> String {
        guard let path = find(name) else {
            throw Failure(description: "this real-kernel test needs `\(name)`, which is not installed (.ci/setup installs it)")
        }
        return path
    }

    /// The built `rulewatch`, beside the test bundle in the build's products directory.
    static let rulewatch: String = {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [products, products.deletingLastPathComponent(),
                          URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()]
        for dir in candidates {
            let url = dir.appendingPathComponent("rulewatch")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url.path }
        }
        return products.appendingPathComponent("rulewatch").path
    }()
}

/// What one pipe delivered; written by one reader thread, read after `DispatchGroup.wait`.
private final class Collected: @unchecked Sendable {
    var data = Data()
}
