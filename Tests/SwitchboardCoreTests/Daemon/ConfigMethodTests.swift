import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// `config.set`, `config.patch`, `config.apply` and `config.schema` over a live socket.
@Suite("Config methods", .timeLimit(.minutes(2)))
struct ConfigMethodTests {
    static let initial = #"{ gateway: { auth: { token: "tok-0123456789abcdef" } }, logging: { level: "info" } }"#

    @Test("config.set needs the current baseHash; bad content is refused before anything is written")
    func setGuardsWithBaseHash() async throws {
        try await TestGateway.with(config: Self.initial) { gateway in
            try await gateway.withClient(gateway.clientConfiguration(token: "tok-0123456789abcdef")) { client in
                let before = try await client.call(ConfigGet.self)
                #expect(before.config["gateway"]?["auth"]?["token"] == "__REDACTED__")
                let original = try String(contentsOfFile: gateway.paths.configPath, encoding: .utf8)

                let missing = await #expect(throws: GatewayClientError.self) {
                    _ = try await client.call(ConfigSet.self, .init(raw: #"{ logging: { level: "debug" } }"#))
                }
                #expect(missing?.gatewayError?.message == "config base hash required; re-run config.get and retry")
                let stale = await #expect(throws: GatewayClientError.self) {
                    _ = try await client.call(ConfigSet.self, .init(raw: #"{ logging: { level: "debug" } }"#, baseHash: String(repeating: "0", count: 64)))
                }
                #expect(stale?.gatewayError?.message == "config changed since last load; re-run config.get and retry")
                let invalid = await #expect(throws: GatewayClientError.self) {
                    _ = try await client.call(ConfigSet.self, .init(raw: #"{ logging: { level: "loud" } }"#, baseHash: before.hash))
                }
                #expect(invalid?.gatewayError?.message.hasPrefix("invalid config: logging.level: expected one of") == true)
                #expect(try String(contentsOfFile: gateway.paths.configPath, encoding: .utf8) == original)

                // What config.get showed, edited: the redacted token is put back from the file.
                let edited = #"{ gateway: { auth: { token: "__REDACTED__" } }, logging: { level: "debug" } }"#
                let result = try await client.call(ConfigSet.self, .init(raw: edited, baseHash: before.hash))
                #expect(result.applied == .hot && result.changed == ["logging.level"] && result.restart == nil)
                let written = try String(contentsOfFile: gateway.paths.configPath, encoding: .utf8)
                #expect(written.contains("tok-0123456789abcdef") && written.contains("\"debug\""))
                #expect(try String(contentsOfFile: gateway.paths.configPath + ".bak", encoding: .utf8) == original)
                let after = try await client.call(ConfigGet.self)
                #expect(after.hash == result.hash && after.effective["logging"]?["level"] == "debug")
            }
        }
    }

    @Test("config.patch merges (null deletes); config.apply restarts in-process after answering")
    func patchAndApply() async throws {
        try await TestGateway.with(config: Self.initial) { gateway in
            try await gateway.withClient(gateway.clientConfiguration(token: "tok-0123456789abcdef")) { client in
                let start = try await client.call(ConfigGet.self)
                let patched = try await client.call(ConfigPatch.self, .init(raw: #"{ logging: { level: null }, agents: { defaults: { historyLimit: 12 } } }"#, baseHash: start.hash))
                #expect(patched.applied == .hot && Set(patched.changed) == ["agents.defaults.historyLimit"])
                #expect(patched.config["logging"]?["level"] == nil && patched.config["gateway"]?["auth"]?["token"] == "__REDACTED__")

                let restartPatch = try await client.call(ConfigPatch.self, .init(raw: #"{ gateway: { tickIntervalMs: 7000 } }"#, baseHash: patched.hash, note: "slower ticks"))
                #expect(restartPatch.applied == .restart && restartPatch.changed == ["gateway.tickIntervalMs"])
                #expect((restartPatch.restart?.delayMs ?? 0) >= 100 && restartPatch.restart?.reason == "config.patch: slower ticks")
                let shutdown = try await client.event(named: "shutdown")
                #expect(shutdown.payload?["reason"] == "gateway restarting")
            }
            _ = try #require(await gateway.supervisor.waitUntilListening(generation: 2))
            try await gateway.withClient(gateway.clientConfiguration(token: "tok-0123456789abcdef")) { client in
                #expect(client.hello?.policy.tickIntervalMs == 7000)
                let current = try await client.call(ConfigGet.self)
                let applied = try await client.call(ConfigApply.self, .init(raw: #"{ gateway: { auth: { token: "__REDACTED__" }, tickIntervalMs: 7000 } }"#, baseHash: current.hash))
                #expect(applied.applied == .restart && applied.restart != nil)
            }
            _ = try #require(await gateway.supervisor.waitUntilListening(generation: 3))
        }
    }

    @Test("config.schema describes every key, with ranges and hot/restart hints")
    func schema() async throws {
        try await TestGateway.with { gateway in
            try await gateway.withClient { client in
                let result = try await client.call(ConfigSchema.self)
                let port = result.schema["properties"]?["gateway"]?["properties"]?["port"]
                #expect(port?["type"] == "integer" && port?["maximum"] == 65535)
                #expect(result.schema["properties"]?["logging"]?["properties"]?["level"]?["x-reload"] == "hot")
                #expect(result.schema["properties"]?["gateway"]?["properties"]?["port"]?["x-reload"] == "restart")
                #expect(result.uiHints["gateway.port"]?["reload"] == nil)
                #expect(result.uiHints["gateway.auth.token"]?["sensitive"] == true)
                #expect(result.uiHints.objectValue?.count == ConfigKeys.all.count)
            }
        }
    }
}
