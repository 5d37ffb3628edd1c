import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting

/// A scripted node on a raw socket: connects with role `node` and a device identity, then
/// answers `node.invoke.request` by command — `echo` returns its params, `fail` reports an
/// error, `hang` never answers, `bye` closes the socket. Its frames go to `record` as well.
enum ScriptedNode {
    static let commands = ["echo", "fail", "hang", "bye"]

    static func connectParams(identity: DeviceIdentity, nonce: String, version: Int = 4) throws -> ConnectParams {
        var params = ConnectParams.test(min: version, max: version, scopes: nil, role: .node, mode: "node")
        params.client.displayName = "test node"
        params.caps = ["system"]
        params.commands = commands
        params.permissions = ["system.run": true]
        params.device = try identity.proof(version: .v2, params: params, nonce: nonce, signedAtMs: Int(Date().timeIntervalSince1970 * 1000))
        return params
    }

    /// Answers invocations on `socket` (already connected) until it closes.
    static func serve(_ socket: RawSocket, nodeId: String, record: @Sendable (JSONValue) -> Void = { _ in }) async throws {
        while let frame = try await socket.receive() {
            record(frame)
            guard frame["type"] == "event", frame["event"] == "node.invoke.request", let payload = frame["payload"],
                let id = payload["id"]?.stringValue, let command = payload["command"]?.stringValue
            else { continue }
            var answer: [String: JSONValue] = ["id": .string(id), "nodeId": .string(nodeId)]
            switch command {
            case "echo":
                answer["ok"] = true
                answer["payloadJSON"] = payload["paramsJSON"] ?? "null"
            case "fail":
                answer["ok"] = false
                answer["error"] = ["code": "E_TEST", "message": "the test node refuses"]
            case "bye":
                try await socket.close()
                return
            default:
                continue
            }
            try await socket.send(json: RequestFrame(id: "result-\(id)", method: "node.invoke.result", params: JSONValue.object(answer)))
        }
    }

    /// The gateway's error for invoking `command` on `nodeId`, or nil when it succeeded.
    static func invokeError(_ client: GatewayClient, nodeId: String, command: String, timeoutMs: Int? = nil) async -> GatewayError? {
        do {
            _ = try await client.call(NodeInvoke.self, .init(nodeId: nodeId, command: command, timeoutMs: timeoutMs, idempotencyKey: "inv-\(command)"))
            return nil
        } catch {
            return (error as? GatewayClientError)?.gatewayError
        }
    }
}
