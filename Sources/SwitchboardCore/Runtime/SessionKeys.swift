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
        func invalid(_ problem: String) -> GatewayError { .invalidRequest("invalid params: \(field): \(problem)") }
        // Every message names its session: plain ASCII keys (the usual case) skip Foundation's
        // trimming and the Unicode property lookups, with the same outcome.
        let ascii = key.utf8.allSatisfy { $0 < 0x80 }
        let trimmed = ascii ? String(key.trimmingBlanks) : key.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw invalid("must not be empty") }
        guard trimmed.count <= maxSessionKeyLength else { throw invalid("at most \(maxSessionKeyLength) characters") }
        let hasControl =
            ascii
            ? trimmed.utf8.contains { $0 < 0x20 || $0 == 0x7F }
            : trimmed.unicodeScalars.contains { $0.properties.generalCategory == .control }
        guard !hasControl else { throw invalid("must not contain control characters") }
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
