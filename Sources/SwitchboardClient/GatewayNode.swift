import Foundation
public import SwitchboardProtocol

/// A node in Swift: commands registered as closures, served over a ``GatewayClient`` that
/// connects with role `node` (set ``configuration(_:)`` on its configuration). Each
/// `node.invoke.request` runs its command under the request's time limit and is answered with
/// `node.invoke.result`: the closure's JSON, or an error (`UNKNOWN_COMMAND`, `COMMAND_FAILED`,
/// `TIMEOUT`).
///
/// ```swift
/// let node = GatewayNode(commands: ["uptime": { _ in ["seconds": 42] }])
/// try await withGatewayClient(node.configuration(base)) { client in try await node.serve(client) }
/// ```
public struct GatewayNode: Sendable {
    public typealias Command = @Sendable (JSONValue?) async throws -> JSONValue

    public let commands: [String: Command]

    public init(commands: [String: Command]) {
        self.commands = commands
    }

    /// `base` with role `node`, no operator scopes, and these commands declared.
    public func configuration(_ base: GatewayClientConfiguration) -> GatewayClientConfiguration {
        var configuration = base
        configuration.role = .node
        configuration.scopes = []
        configuration.commands = commands.keys.sorted()
        configuration.client.mode = "node"
        return configuration
    }

    /// Answers invocations until the client's event stream ends; requests run concurrently.
    public func serve(_ client: GatewayClient) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for await event in client.events {
                guard case .event(let frame) = event, frame.event == NodeInvokeRequestEvent.name, let payload = frame.payload,
                    let request = try? GatewayJSON.decoder.decode(NodeInvokeRequestEvent.Payload.self, from: Data(GatewayJSON.string(payload).utf8))
                else { continue }
                group.addTask { await answer(request, client: client) }
            }
        }
    }

    private func answer(_ request: NodeInvokeRequestEvent.Payload, client: GatewayClient) async {
        var result = NodeInvokeResult.Params(id: request.id, nodeId: request.nodeId, ok: false)
        if let command = commands[request.command] {
            let params = request.paramsJSON.flatMap { try? GatewayJSON.decoder.decode(JSONValue.self, from: Data($0.utf8)) }
            let limit = Duration.milliseconds(request.timeoutMs ?? 30_000)
            do {
                let value = try await withThrowingTaskGroup(of: JSONValue?.self) { group in
                    group.addTask { try await command(params) }
                    group.addTask {
                        try await Task.sleep(for: limit)
                        return nil
                    }
                    defer { group.cancelAll() }
                    return try await group.next() ?? nil
                }
                if let value {
                    result.ok = true
                    result.payloadJSON = GatewayJSON.string(value)
                } else {
                    result.error = .init(code: "TIMEOUT", message: "\(request.command) did not finish in \(request.timeoutMs ?? 30_000) ms")
                }
            } catch {
                result.error = .init(code: "COMMAND_FAILED", message: "\(error)")
            }
        } else {
            result.error = .init(code: "UNKNOWN_COMMAND", message: "this node has no command \(request.command)")
        }
        // A lost connection loses the answer; the gateway has told the caller the node disconnected.
        _ = try? await client.call(NodeInvokeResult.self, result)
    }
}
