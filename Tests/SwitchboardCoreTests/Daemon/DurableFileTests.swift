import Foundation
import SwitchboardTesting
import Testing

@testable import SwitchboardCore

/// Config writes survive a crash at any point: a whole old file or a whole new one, and the
/// temporary files a crash leaves are cleared at the next start.
struct DurableFileTests {
    @Test func replaceWritesWholeFilesPrivately() throws {
        let dir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/switchboard.json"
        try DurableFile.replace(path, with: Data("one".utf8))
        try DurableFile.replace(path, with: Data("two".utf8))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // No temporary file is left after a write that finished.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["switchboard.json"])
    }

    @Test("a crashed write's temporary file is removed when the gateway starts; the config is untouched")
    func leftoversAreRemovedAtStart() async throws {
        let dir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let paths = GatewayPaths(stateDir: dir)
        let leftover = paths.configPath + ".tmp-4242-17"
        try Data("{ half".utf8).write(to: URL(fileURLWithPath: leftover))
        try await TestGateway.with(config: "{ logging: { level: \"info\" } }", stateDir: dir) { gateway in
            let config = try String(contentsOfFile: gateway.paths.configPath, encoding: .utf8)
            #expect(!FileManager.default.fileExists(atPath: leftover))
            #expect(config.contains("info"))
        }
    }
}
