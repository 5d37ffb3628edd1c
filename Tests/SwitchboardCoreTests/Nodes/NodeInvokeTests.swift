import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// Nodes on a live gateway: a node connects with its commands, operators list and describe it,
/// invoke its commands (answers, node failures, timeouts, unknown commands and a node that
/// leaves each give their own error), rename it, and hear its events.
@Suite(.timeLimit(.minutes(2)))
struct NodeInvokeTests {
    @Test("list, describe, invoke (ok, node failure, timeout, unknown command, disconnect), node.event, rename")
    func nodeLifecycle() async throws {
        try await TestGateway.with { gateway in
            try await gateway.withClient { operatorClient in
                let identity = DeviceIdentity()
                let connected = Gate()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        _ = try await RawSocket.session(url: gateway.url) { socket in
                            let challenge = try unwrap(try await socket.receive(), "challenge")
                            let params = try ScriptedNode.connectParams(identity: identity, nonce: try unwrap(challenge["payload"]?["nonce"]?.stringValue))
                            try await socket.send(json: RequestFrame(id: "connect-1", method: "connect", params: params))
                            let hello = try await socket.response(id: "connect-1")
                            guard hello?["ok"] == true else { throw TestTimeout(what: "node connect: \(String(describing: hello))") }
                            let battery: JSONValue = ["event": "battery", "payload": ["level": 80]]
                            try await socket.send(json: RequestFrame(id: "event-1", method: "node.event", params: battery))
                            connected.open()
                            try await ScriptedNode.serve(socket, nodeId: identity.id)
                        }
                    }
                    await connected.wait()
                    let list = try await operatorClient.call(NodeList.self)
                    let node = try #require(list.nodes.first { $0.nodeId == identity.id })
                    #expect(node.connected && node.paired && node.commands == ScriptedNode.commands && node.caps == ["system"])
                    #expect(node.displayName == "test node" && node.permissions?["system.run"] == true)
                    #expect(try await operatorClient.call(NodeDescribe.self, .init(nodeId: identity.id)).nodeId == identity.id)
                    await #expect { _ = try await operatorClient.call(NodeDescribe.self, .init(nodeId: "nope")) } throws: { "\($0)".contains("unknown nodeId") }

                    let event = try await operatorClient.event(named: "node.event", timeout: .seconds(10))
                    #expect(event.payload?["nodeId"]?.stringValue == identity.id && event.payload?["payload"]?["level"] == 80)

                    let echoed = try await operatorClient.call(
                        NodeInvoke.self, .init(nodeId: identity.id, command: "echo", params: ["text": "hi"], idempotencyKey: "inv-1"))
                    #expect(echoed.ok && echoed.payload?["text"] == "hi")
                    func failure(_ command: String, timeoutMs: Int? = nil) async -> GatewayError? {
                        await ScriptedNode.invokeError(operatorClient, nodeId: identity.id, command: command, timeoutMs: timeoutMs)
                    }
                    let failed = await failure("fail")
                    #expect(failed?.code == .unavailable && failed?.details?["code"] == "NODE_ERROR" && failed?.message.contains("the test node refuses") == true)
                    let unknown = await failure("format-disk")
                    #expect(unknown?.code == .invalidRequest && unknown?.message.hasPrefix("node command not allowed") == true)
                    let slow = await failure("hang", timeoutMs: 200)
                    #expect(slow?.details?["code"] == "TIMEOUT", "\(String(describing: slow))")

                    let renamed = try await operatorClient.call(NodeRename.self, .init(nodeId: identity.id, displayName: "kitchen pi"))
                    #expect(renamed.displayName == "kitchen pi")
                    #expect(try await operatorClient.call(NodeDescribe.self, .init(nodeId: identity.id)).displayName == "kitchen pi")

                    let gone = await failure("bye")
                    #expect(gone?.details?["code"] == "NODE_DISCONNECTED", "\(String(describing: gone))")
                    try await group.waitForAll()
                    let absent = await failure("echo")
                    #expect(absent?.details?["code"] == "NOT_CONNECTED")
                    let after = try await operatorClient.call(NodeList.self)
                    #expect(after.nodes.first { $0.nodeId == identity.id }?.connected == false, "still listed as a paired node")
                }
            }
        }
    }
}
