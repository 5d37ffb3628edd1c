import Foundation
import MCP
public import SwitchboardProtocol

/// An MCP server's tool offered to the model as `<server>__<tool>`.
public struct MCPTool: AgentTool {
    public let definition: ToolDefinition
    let remoteName: String
    let supervisor: MCPServerSupervisor

    init(tool: MCP.Tool, supervisor: MCPServerSupervisor) {
        remoteName = tool.name
        self.supervisor = supervisor
        var parameters = Self.json(tool.inputSchema) ?? ["type": "object"]
        if parameters["type"] == nil, case .object(var object) = parameters {
            object["type"] = "object"
            parameters = .object(object)
        }
        definition = ToolDefinition(
            name: Self.exposedName(server: supervisor.settings.name, tool: tool.name),
            description: tool.description ?? "\(tool.name) (MCP server \(supervisor.settings.name))",
            parameters: parameters
        )
    }

    public func call(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let converted = (try? JSONEncoder().encode(arguments)).flatMap { try? JSONDecoder().decode([String: Value].self, from: $0) } ?? [:]
        let result = try await supervisor.callTool(remoteName, arguments: converted)
        let text = result.content.map(Self.describe).joined(separator: "\n")
        if result.isError { throw ToolFailure(text.isEmpty ? "\(remoteName) reported an error" : text) }
        return text
    }

    /// Tool names must match `^[a-zA-Z0-9_-]{1,64}$` for both OpenAI and Anthropic.
    static func exposedName(server: String, tool: String) -> String {
        let raw = "\(server)__\(tool)"
        let cleaned = String(raw.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "_" || $0 == "-" ? Character($0) : "_" })
        return String(cleaned.prefix(64))
    }

    static func json(_ value: Value) -> JSONValue? {
        guard let data = try? JSONEncoder().encode(value) else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: data)
    }

    static func describe(_ content: MCP.Tool.Content) -> String {
        switch content {
        case .text(let text, _, _): text
        case .image(_, let mimeType, _, _): "[image \(mimeType)]"
        case .audio(_, let mimeType, _, _): "[audio \(mimeType)]"
        case .resource(let resource, _, _): resource.text ?? "[resource \(resource.uri)]"
        default: "[\(String(describing: content).prefix(80))]"
        }
    }
}
