/// Session key rules (`agent:<agentId>:<rest>`; `main` is an alias of the default agent's main
/// session) and agent id rules.
enum AgentIdentity {
    static let maxSessionKeyLength = 512

    static func isValidAgentId(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64
            && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    static func mainSessionKey(agentId: String) -> String { "agent:\(agentId):main" }

    /// The canonical form of a client's key, or a message saying what is wrong with it.
    static func canonicalSessionKey(_ key: String) -> Result<String, GatewayErrorMessage> {
        let trimmed = key.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return .failure(GatewayErrorMessage("sessionKey: must not be empty")) }
        guard trimmed.count <= maxSessionKeyLength else {
            return .failure(GatewayErrorMessage("sessionKey: at most \(maxSessionKeyLength) characters"))
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return .failure(GatewayErrorMessage("sessionKey: must not contain control characters"))
        }
        if trimmed == "main" { return .success(mainSessionKey(agentId: AgentConfiguration.defaultAgentId)) }
        return .success(trimmed)
    }

    /// The agent a key belongs to: `agent:<id>:…` names it; any other key uses the default agent.
    static func agentId(forSessionKey key: String) -> String {
        let parts = key.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        if parts.count >= 2, parts[0] == "agent", !parts[1].isEmpty { return String(parts[1]) }
        return AgentConfiguration.defaultAgentId
    }
}

struct GatewayErrorMessage: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

import Foundation
