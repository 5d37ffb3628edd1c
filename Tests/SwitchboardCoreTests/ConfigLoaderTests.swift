import Foundation
import SwitchboardProtocol
import SwitchboardTesting
import Testing

@testable import SwitchboardCore

final class ConfigLoaderTests {
    var directories: [String] = []

    deinit {
        for directory in directories { try? FileManager.default.removeItem(atPath: directory) }
    }

    func paths(config: String?) throws -> GatewayPaths {
        let directory = TestGateway.makeTemporaryDirectory()
        directories.append(directory)
        let paths = GatewayPaths(stateDir: directory)
        if let config { try Data(config.utf8).write(to: URL(fileURLWithPath: paths.configPath)) }
        return paths
    }

    func problems(_ config: String, environment: [String: String] = [:], overrides: [String: String] = [:]) throws -> [String] {
        do {
            _ = try ConfigLoader.load(paths: try paths(config: config), environment: environment, overrides: overrides)
            return []
        } catch let error as ConfigError {
            return error.problems
        }
    }

    @Test func worksWithNoFileAtAll() throws {
        let loaded = try ConfigLoader.load(paths: try paths(config: nil), environment: [:])
        #expect(loaded.configuration == GatewayConfiguration())
        #expect(loaded.configuration.gateway.port == 18789 && loaded.configuration.bindHost == "127.0.0.1")
        #expect(loaded.file.exists == false)
        #expect(loaded.configuration.gateway.auth.effectiveMode == .none)
    }

    @Test func readsJSON5() throws {
        let json5 = """
            // comments and trailing commas are fine
            { gateway: { port: 19000, auth: { token: 'secret', }, tickIntervalMs: 5000, }, }
            """
        let loaded = try ConfigLoader.load(paths: try paths(config: json5), environment: [:])
        #expect(loaded.configuration.gateway.port == 19000)
        #expect(loaded.configuration.gateway.auth.effectiveMode == .token)
        #expect(loaded.configuration.gateway.tickIntervalMs == 5000)
        #expect(loaded.file.hash.count == 64)
    }

    @Test func errorsNameTheKeyPathAndTheExpectedValue() throws {
        #expect(try problems(#"{"gateway":{"port":"abc"}}"#) == [#"gateway.port: expected an integer from 0 to 65535, got "abc""#])
        #expect(try problems(#"{"gateway":{"port":70000}}"#) == ["gateway.port: expected an integer from 0 to 65535, got 70000"])
        #expect(try problems(#"{"gateway":{"prot":1}}"#) == ["gateway.prot: unknown key (did you mean gateway.port?)"])
        #expect(try problems(#"{"gateway":5}"#) == ["gateway: expected an object, got integer"])
        #expect(try problems(#"{"logging":{"level":"loud"}}"#).first?.hasPrefix("logging.level: expected one of trace, debug") == true)
        #expect(try problems("{ not json").first?.hasPrefix("not valid JSON5") == true)
    }

    @Test func secretsAreNeverEchoedInErrors() throws {
        let found = try problems(#"{"gateway":{"auth":{"token":12345}}}"#)
        #expect(found == ["gateway.auth.token: expected a string"])
    }

    @Test func precedenceIsFileThenEnvThenFlags() throws {
        let config = #"{"gateway":{"port":19000,"tickIntervalMs":7000}}"#
        let paths = try paths(config: config)
        let env = ["SWITCHBOARD_GATEWAY_PORT": "19001", "SWITCHBOARD_TICK_INTERVAL_MS": "8000"]
        let loaded = try ConfigLoader.load(paths: paths, environment: env, overrides: ["gateway.port": "19002"])
        #expect(loaded.configuration.gateway.port == 19002)
        #expect(loaded.configuration.gateway.tickIntervalMs == 8000)
        #expect(try problems("{}", environment: ["SWITCHBOARD_GATEWAY_PORT": "x"]) == [
            #"SWITCHBOARD_GATEWAY_PORT (gateway.port: expected an integer from 0 to 65535, got "x")"#
        ])
    }

    @Test func nonLoopbackBindWithoutAuthIsRefused() throws {
        let found = try problems(#"{"gateway":{"bind":"lan"}}"#)
        #expect(found.count == 1 && found[0].hasPrefix(#"gateway.bind: refusing to bind "lan" without auth"#))
        #expect(try problems(#"{"gateway":{"bind":"lan","auth":{"token":"t"}}}"#).isEmpty)
        #expect(try problems(#"{"gateway":{"auth":{"mode":"password"}}}"#).first?.hasPrefix("gateway.auth.mode: is \"password\"") == true)
    }

    @Test func redactionHidesSecrets() throws {
        let loaded = try ConfigLoader.load(paths: try paths(config: #"{"gateway":{"auth":{"token":"s3cret"}}}"#), environment: [:])
        let redacted = ConfigRedaction.redact(loaded.file.parsed!)
        #expect(redacted["gateway"]?["auth"]?["token"] == "__REDACTED__")
        let effective = ConfigRedaction.effective(loaded.configuration)
        #expect(effective["gateway"]?["auth"]?["token"] == "__REDACTED__")
        #expect(effective["gateway"]?["port"] == 18789)
        #expect(!GatewayJSON.string(effective).contains("s3cret"))
    }
}
