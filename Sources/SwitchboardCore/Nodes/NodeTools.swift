import Foundation
import SwitchboardAgent
import SwitchboardProtocol

/// Connected nodes' declared commands as agent tools (`tools.nodes.*`, off by default): each
/// command of each connected node becomes one tool, `node_<node>_<command>`, that invokes it
/// through ``NodeRuntime`` exactly as `node.invoke` does. Asked at the start of every run, so a
/// node that connects or leaves changes the next run's tools; a node that left mid-run makes
/// the call fail with the node error the model reads.
struct NodeTools: ToolSource {
    let nodes: NodeRuntime
    let live: LiveConfiguration

    /// Longest tool name providers accept (OpenAI: `^[a-zA-Z0-9_-]{1,64}$`).
    static let maxNameLength = 64

    var tools: [any AgentTool] {
        let config = live.current.agent
        guard config.nodeTools else { return [] }
        var tools: [any AgentTool] = []
        var taken: Set<String> = []
        for (_, principal) in nodes.connected {
            let nodeId = NodeRuntime.nodeId(of: principal)
            let nodeName = principal.client.displayName ?? String(nodeId.prefix(12))
            for command in principal.commands where Self.allowed(command, node: nodeName, nodeId: nodeId, allow: config.nodeToolsAllow) {
                var name = Self.toolName(node: nodeName, command: command)
                if taken.contains(name) { name = Self.toolName(node: String(nodeId.prefix(12)), command: command) }
                guard !taken.contains(name) else { continue }
                taken.insert(name)
                tools.append(
                    NodeCommandTool(
                        nodes: nodes, nodeId: nodeId, command: command, timeoutMs: config.nodeToolsTimeoutMs,
                        definition: ToolDefinition(
                            name: name,
                            description: "Run the command \"\(command)\" on the device \"\(nodeName)\" (\(principal.client.platform), node \(nodeId.prefix(12))). "
                                + "It answers with JSON. Pass the command's input, if it takes any, as `params`.",
                            parameters: [
                                "type": "object",
                                "properties": ["params": ["type": "object", "description": "input for the command, handed to the device as JSON"]],
                                "additionalProperties": false,
                            ]
                        )
                    ))
            }
        }
        return tools
    }

    /// `allow` empty: every declared command; else `command` or `nodeName/command` (or `nodeId/command`).
    static func allowed(_ command: String, node: String, nodeId: String, allow: [String]) -> Bool {
        allow.isEmpty || allow.contains(command) || allow.contains("\(node)/\(command)") || allow.contains("\(nodeId)/\(command)")
    }

    static func toolName(node: String, command: String) -> String {
        func clean(_ text: String) -> String {
            String(text.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") ? $0 : "_" })
        }
        return String("node_\(clean(node))_\(clean(command))".prefix(maxNameLength))
    }
}

/// One node command, called by the model.
struct NodeCommandTool: AgentTool {
    let nodes: NodeRuntime
    let nodeId: String
    let command: String
    let timeoutMs: Int
    let definition: ToolDefinition

    func call(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        let params = NodeInvoke.Params(
            nodeId: nodeId, command: command, params: arguments["params"], timeoutMs: timeoutMs,
            idempotencyKey: "tool:\(context.runId):\(UUID().uuidString.lowercased())"
        )
        do {
            let result = try await nodes.invoke(params)
            return result.payloadJSON ?? result.payload.map { GatewayJSON.string($0) } ?? "{}"
        } catch let error as GatewayError {
            let code = error.details?["code"]?.stringValue.map { " (\($0))" } ?? ""
            throw ToolFailure("\(error.message)\(code)")
        }
    }
}
