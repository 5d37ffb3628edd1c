import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// `health` tells a gateway with no model provider apart from a working one (it said "ok"
/// and nothing else): a warning naming the fix and the config file in use, without calling
/// the gateway unhealthy.
@Suite(.timeLimit(.minutes(1)))
struct HealthWarningTests {
    @Test("no provider: health stays ok and warns, naming the variables and the config file; with a provider there is no warning")
    func missingProviderWarned() async throws {
        try await TestGateway.with { gateway in
            let health = try await gateway.withClient { try await $0.call(Health.self, .init()) }
            #expect(health.ok)
            let warnings = health.readiness?["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(warnings.count == 1 && warnings[0].contains("no model provider") && warnings[0].contains("OPENAI_API_KEY"), "\(warnings)")
            #expect(warnings.first?.contains(gateway.paths.configPath) == true, "the config file actually in use is named")
        }
        try await FakeModelServer.with { model in
            try await TestGateway.with(config: modelConfig(model)) { gateway in
                let health = try await gateway.withClient { try await $0.call(Health.self, .init()) }
                #expect(health.readiness?["warnings"] == nil)
            }
        }
    }
}
