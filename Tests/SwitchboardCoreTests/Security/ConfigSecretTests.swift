import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// Secrets anywhere in the config never leave in clear: in arrays, runner args and env, and
/// URL userinfo, through config.get and the config-write results; and what a client sends
/// back redacted is restored from the file.
@Suite("Config secrets", .timeLimit(.minutes(2)))
struct ConfigSecretTests {
    static let secrets = ["sk-live-AAA111", "tok-BBB222", "pw-CCC333", "sk-env-DDD444", "tok-0123456789abcdef"]
    static let config = """
        {
          gateway: { auth: { token: "tok-0123456789abcdef" } },
          agents: { list: [ { id: "coder", runner: {
            command: "/bin/echo",
            args: ["--api-key", "sk-live-AAA111", "--token=tok-BBB222", "--url", "https://me:pw-CCC333@example.com/x", "--verbose", "plain"],
            env: { OPENAI_API_KEY: "sk-env-DDD444", PATH: "/usr/bin" }
          } } ] },
          logging: { level: "info" }
        }
        """

    @Test("config.get and config.set results show no secret; sending the redacted file back keeps them")
    func secretsStayInside() async throws {
        try await TestGateway.with(config: Self.config) { gateway in
            try await gateway.withClient(gateway.clientConfiguration(token: "tok-0123456789abcdef")) { client in
                let got = try await client.call(ConfigGet.self)
                let shown = GatewayJSON.string(got)
                for secret in Self.secrets { #expect(!shown.contains(secret), "config.get leaked \(secret)") }
                #expect(got.config["agents"]?["list"]?[0]?["runner"]?["args"]?[1] == "__REDACTED__")
                #expect(got.config["agents"]?["list"]?[0]?["runner"]?["args"]?[6] == "plain")
                #expect(got.config["agents"]?["list"]?[0]?["runner"]?["env"]?["PATH"] == "__REDACTED__")
                // Send back exactly what was shown, with one edit.
                var edited = got.config
                edited = ConfigDocument.mergePatch(edited, ["logging": ["level": "debug"]])
                let set = try await client.call(ConfigSet.self, .init(raw: GatewayJSON.string(edited), baseHash: got.hash))
                let result = GatewayJSON.string(set)
                for secret in Self.secrets { #expect(!result.contains(secret), "config.set result leaked \(secret)") }
                let written = try String(contentsOfFile: gateway.paths.configPath, encoding: .utf8)
                for secret in Self.secrets { #expect(written.contains(secret), "config.set lost \(secret)") }
                #expect(written.contains("\"debug\""))
            }
        }
    }

    @Test("a secret in a comment of a file with no secret key never reaches config.get's raw")
    func commentsStayInside() async throws {
        let config = """
            {
              // retired token, kept for the rollback: tok-COMMENT-999
              logging: { level: "info" }
            }
            """
        try await TestGateway.with(config: config) { gateway in
            try await gateway.withClient { client in
                let got = try await client.callRaw(method: "config.get", params: nil)
                let raw = try #require(got.payload?["raw"]?.stringValue)
                #expect(!raw.contains("tok-COMMENT-999") && raw.contains("\"info\""))
            }
        }
    }

    @Test func redactionUnit() {
        let value: JSONValue = [
            "list": [["runner": ["args": ["-p", "x", "--password", "hunter2", "--secret=s", "OPENAI_API_KEY=sk"], "url": "wss://u:p@h:1/p"]]],
            "maxTokens": 5, "token": "t", "apiKeyRef": "k",
        ]
        let text = GatewayJSON.string(ConfigRedaction.redact(value))
        for secret in ["hunter2", "\"s\"", "=sk", "u:p@", "\"t\"", "\"k\""] { #expect(!text.contains(secret), "\(secret) in \(text)") }
        #expect(text.contains("\"maxTokens\":5") && text.contains("\"x\""))
    }
}
