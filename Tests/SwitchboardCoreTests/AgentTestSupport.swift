import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting

/// Config pointing the gateway at a fake model server.
func modelConfig(
    _ server: FakeModelServer, throttleMs: Int = 0, extraAgents: String = "", extra: String = "", idleTimeoutMs: Int = 60_000, agentDefaults: String = ""
) -> String {
    """
    {
      models: { providers: { fake: { baseUrl: "\(server.baseURL)", apiKey: "sk-test-secret-123", models: ["m1", {id: "m2", contextWindow: 8000}] },
                             claude: { api: "anthropic", baseUrl: "\(server.origin)", apiKey: "ak-test-secret", models: ["c1"] } },
                retry: { baseDelayMs: 10 }, timeouts: { idleMs: \(idleTimeoutMs) } },
      agents: { defaults: { model: "fake/m1", chatDeltaThrottleMs: \(throttleMs)\(agentDefaults) } \(extraAgents) },
      tools: { fetchUrl: { allowPrivateNetwork: true } },
      \(extra)
    }
    """
}

extension GatewayClient {
    /// Collects `chat` events of `runId` until its terminal one.
    func chatEvents(runId: String, timeout: Duration = .seconds(15)) async throws -> [JSONValue] {
        let events = self.events
        return try await withTimeout(timeout, "chat events of \(runId)") {
            var collected: [JSONValue] = []
            for await event in events {
                guard case .event(let frame) = event, frame.event == "chat", let payload = frame.payload, payload["runId"]?.stringValue == runId else { continue }
                collected.append(payload)
                if let state = payload["state"]?.stringValue, state != "delta" { return collected }
            }
            throw TestTimeout(what: "chat events (stream ended)")
        }
    }

    /// Collects `agent` events of `runId` until lifecycle end/error.
    func agentEvents(runId: String, timeout: Duration = .seconds(15)) async throws -> [JSONValue] {
        let events = self.events
        return try await withTimeout(timeout, "agent events of \(runId)") {
            var collected: [JSONValue] = []
            for await event in events {
                guard case .event(let frame) = event, frame.event == "agent", let payload = frame.payload, payload["runId"]?.stringValue == runId else { continue }
                collected.append(payload)
                if payload["stream"] == "lifecycle", let phase = payload["data"]?["phase"]?.stringValue, phase != "start" { return collected }
            }
            throw TestTimeout(what: "agent events (stream ended)")
        }
    }
}

/// The text a v4 client reconstructs from `deltaText` (honouring `replace`).
func reconstructV4(_ events: [JSONValue]) -> String {
    var text = ""
    for event in events where event["state"] == "delta" {
        let piece = event["deltaText"]?.stringValue ?? ""
        if event["replace"]?.boolValue == true { text = piece } else { text += piece }
    }
    return text
}
