import Foundation
import RuleWatchStore
import Testing

@Suite struct StoreOpeningTests {
    @Test func anEmptyFileIsMigratedIntoAStore() throws {
        let dir = try Scratch()
        let path = dir.path("empty.db")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let store = try RuleStore(path: path)
        #expect(try store.integrityCheck() == ["ok"])
        #expect(try store.sources() == [])
        // Opened again, the schema is already there.
        _ = try RuleStore(path: path)
    }

    @Test func aMissingStoreIsMadeWithItsDirectory() throws {
        let dir = try Scratch()
        let path = dir.path("deep/er/store.db")
        _ = try RuleStore(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func readingCommandsDoNotMakeAStore() throws {
        let dir = try Scratch()
        #expect(throws: StoreError.missing(path: dir.path("none.db"))) { try RuleStore(path: dir.path("none.db"), create: false) }
    }
}

/// A scratch directory removed when the test ends.
final class Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("rulewatch-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

@Suite struct StorePathTests {
    @Test func theFlagThenTheEnvironmentThenRootsPathThenTheUsersStateDirectory() {
        let env = ["RULEWATCH_STORE": "/srv/rw.db", "XDG_STATE_HOME": "/home/u/.state", "HOME": "/home/u"]
        #expect(StorePath.resolve("/tmp/a.db", environment: env, isRoot: true) == "/tmp/a.db")
        #expect(StorePath.resolve(nil, environment: env, isRoot: true) == "/srv/rw.db")
        #expect(StorePath.resolve(nil, environment: ["HOME": "/root"], isRoot: true) == "/var/lib/rulewatch/rulewatch.db")
        #expect(StorePath.resolve(nil, environment: ["XDG_STATE_HOME": "/home/u/.state", "HOME": "/home/u"], isRoot: false)
                == "/home/u/.state/rulewatch/rulewatch.db")
        #expect(StorePath.resolve(nil, environment: ["HOME": "/home/u"], isRoot: false) == "/home/u/.local/state/rulewatch/rulewatch.db")
        // A relative XDG_STATE_HOME is invalid by the spec and ignored.
        #expect(StorePath.resolve(nil, environment: ["XDG_STATE_HOME": "state", "HOME": "/home/u"], isRoot: false)
                == "/home/u/.local/state/rulewatch/rulewatch.db")
    }
}
