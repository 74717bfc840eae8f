import Foundation
import Glibc
import Testing

/// Runs the built `rulewatch` and captures what it prints and its exit status.
struct ToolRun {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum Tool {
    /// The executable beside the test bundle in the build's products directory.
    static let executable: URL = {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [products, products.deletingLastPathComponent(), URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()]
        for dir in candidates {
            let url = dir.appendingPathComponent("rulewatch")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return products.appendingPathComponent("rulewatch")
    }()

    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// The real dumps kept in the repository (`Tests/Corpus`, credited in its MANIFEST.md).
    static let corpus = repoRoot.appendingPathComponent("Tests/Corpus")

    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
                    in directory: URL? = nil, executable: URL = Tool.executable) throws -> ToolRun {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe(), inp = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inp
        try process.run()
        // Read both pipes while it runs, so a large output cannot block it.
        let outData = Collected(), errData = Collected()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outData.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if let stdin { inp.fileHandleForWriting.write(stdin) }
        try? inp.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        return ToolRun(status: process.terminationStatus,
                       stdout: String(decoding: outData.data, as: UTF8.self),
                       stderr: String(decoding: errData.data, as: UTF8.self))
    }

    /// Runs the tool with a terminal (a pseudo-terminal of its own) as standard input, types
    /// `input` into it and ends it with Ctrl-D; output and errors go to pipes.
    static func runOnTerminal(_ arguments: [String], typing input: Data) throws -> ToolRun {
        // posix_openpt and ptsname are not imported; these are what they do on Linux
        // (TIOCSPTLCK and TIOCGPTN, function-like macros Swift cannot see).
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            throw TerminalUnavailable(description: "no pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        let masterHandle = FileHandle(fileDescriptor: master, closeOnDealloc: true)
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw TerminalUnavailable(description: "cannot open /dev/pts/\(number)") }
        // No echo: nothing reads it back, and a full echo buffer could stall the input.
        var mode = termios()
        tcgetattr(slave, &mode)
        mode.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(slave, TCSANOW, &mode)
        #expect(isatty(slave) == 1)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        try process.run()
        close(slave)
        let outData = Collected(), errData = Collected()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outData.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        // A terminal hands over a line at a time; Ctrl-D at the start of a line ends the input.
        DispatchQueue.global().async {
            var typed = input
            if typed.last != UInt8(ascii: "\n") { typed.append(UInt8(ascii: "\n")) }
            typed.append(4)
            try? masterHandle.write(contentsOf: typed)
        }
        group.wait()
        process.waitUntilExit()
        return ToolRun(status: process.terminationStatus,
                       stdout: String(decoding: outData.data, as: UTF8.self),
                       stderr: String(decoding: errData.data, as: UTF8.self))
    }

    struct TerminalUnavailable: Error, CustomStringConvertible { var description: String }

    /// A fresh scratch directory, removed by the caller.
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rulewatch-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// What one pipe delivered; written by one reader thread, read after `DispatchGroup.wait`.
private final class Collected: @unchecked Sendable {
    var data = Data()
}
