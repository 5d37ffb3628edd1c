import Foundation
@testable import SwitchboardCore
import SwitchboardAgent
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// Merge patches, redaction round trips, the reload classification and log rotation.
struct ConfigDocumentTests {
    @Test("RFC 7396 merge patch, plus arrays of objects merged by id")
    func mergePatch() {
        let target: JSONValue = ["a": "b", "c": ["d": "e", "f": "g"], "list": [["id": "x", "v": 1], ["id": "y", "v": 2]], "plain": [1, 2]]
        let patch: JSONValue = ["a": "z", "c": ["f": .null], "list": [["id": "y", "v": 3], ["id": "w", "v": 4]], "plain": [3]]
        let merged = ConfigDocument.mergePatch(target, patch)
        #expect(merged["a"] == "z" && merged["c"] == ["d": "e"] && merged["plain"] == [3])
        #expect(merged["list"] == [["id": "x", "v": 1], ["id": "y", "v": 3], ["id": "w", "v": 4]])
        // A non-object patch replaces; an object patch over a scalar builds an object.
        #expect(ConfigDocument.mergePatch(["a": 1], 5) == 5)
        #expect(ConfigDocument.mergePatch(1, ["a": ["b": .null, "c": 2]]) == ["a": ["c": 2]])
    }

    @Test("redacted placeholders are restored from the original, or named when there is none")
    func redactionRoundTrip() {
        let original: JSONValue = ["gateway": ["auth": ["token": "secret-1"]], "models": ["providers": ["p": ["apiKey": "k1", "headers": ["X": "h"]]]]]
        var missing: [String] = []
        let edited = ConfigDocument.restoringRedacted(ConfigRedaction.redact(original), from: original, missing: &missing)
        #expect(edited == original && missing.isEmpty)
        _ = ConfigDocument.restoringRedacted(["gateway": ["auth": ["password": "__REDACTED__"]]], from: original, missing: &missing)
        #expect(missing == ["gateway.auth.password"])
    }

    @Test("only keys read per use are hot; changes are listed by path")
    func reloadClasses() {
        #expect(ConfigKeys.key("logging.level")?.reload == .hot)
        #expect(ConfigKeys.key("gateway.port")?.reload == .restart && ConfigKeys.key("gateway.auth.token")?.reload == .restart)
        #expect(Set(ConfigKeys.hotPaths).isSubset(of: Set(ConfigKeys.all.map(\.path))))
        var changed = GatewayConfiguration()
        changed.logging.level = "debug"
        changed.gateway.port = 1
        #expect(ConfigKeys.changes(from: GatewayConfiguration(), to: changed).map(\.path) == ["gateway.port", "logging.level"])
        // Values config.get shows redacted still count: a corrected apiKey, header or MCP env restarts with it.
        var keyed = GatewayConfiguration()
        keyed.agent.providers = [ProviderSettings(id: "p", api: .openai, baseURL: "http://127.0.0.1:1/v1", apiKey: "sk-old")]
        var corrected = keyed
        corrected.agent.providers[0].apiKey = "sk-new"
        #expect(ConfigKeys.changes(from: keyed, to: corrected).map(\.path) == ["models.providers"])
        corrected = keyed
        corrected.agent.providers[0].headers = ["x-key": "a"]
        var otherHeader = keyed
        otherHeader.agent.providers[0].headers = ["x-key": "b"]
        #expect(ConfigKeys.changes(from: corrected, to: otherHeader).map(\.path) == ["models.providers"])
    }

    @Test("the log file rotates by size and keeps maxFiles old files")
    func logRotation() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/logs/gateway.jsonl"
        let sink = LogSink()
        let writer = LogFileWriter(sink: sink) { LogFileSettings(path: path, maxBytes: 1000, maxFiles: 2) }
        let line = String(repeating: "x", count: 99)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await writer.run() }
            for _ in 0..<60 { sink.append(line) }
            sink.finish()
            try await group.waitForAll()
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory + "/logs").sorted()
        #expect(names == ["gateway.jsonl", "gateway.jsonl.1", "gateway.jsonl.2"])
        for name in names {
            let size = try FileManager.default.attributesOfItem(atPath: directory + "/logs/" + name)[.size] as? Int ?? 0
            #expect(size == 1000)
        }
    }
}
