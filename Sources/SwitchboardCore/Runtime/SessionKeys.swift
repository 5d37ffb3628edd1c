/// Session key rules (`agent:<agentId>:<rest>`; `main` is an alias of the default agent's main
/// session) and agent id rules.
enum AgentIdentity {
    static let maxSessionKeyLength = 512

    static func isValidAgentId(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64
            && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    static func mainSessionKey(agentId: String) -> String { "agent:\(agentId):main" }

    /// The canonical form of a client's key; `field` names the param in the error.
    static func canonicalSessionKey(_ key: String, field: String = "sessionKey") throws -> String {
        let trimmed = key.trimmingCharacters(in: .whitespaces)
        func invalid(_ problem: String) -> GatewayError { .invalidRequest("invalid params: \(field): \(problem)") }
        guard !trimmed.isEmpty else { throw invalid("must not be empty") }
        guard trimmed.count <= maxSessionKeyLength else { throw invalid("at most \(maxSessionKeyLength) characters") }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw invalid("must not contain control characters")
        }
        if trimmed == "main" { return mainSessionKey(agentId: AgentConfiguration.defaultAgentId) }
        return trimmed
    }

    /// The agent a key belongs to: `agent:<id>:…` names it; any other key uses the default agent.
    static func agentId(forSessionKey key: String) -> String {
        let parts = key.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        if parts.count >= 2, parts[0] == "agent", !parts[1].isEmpty { return String(parts[1]) }
        return AgentConfiguration.defaultAgentId
    }
}

import Foundation
import SwitchboardProtocol
