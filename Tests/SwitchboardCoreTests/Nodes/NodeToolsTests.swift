import Foundation
import Synchronization
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// `tools.nodes`: a connected node's declared commands become agent tools. The model (fake
/// OpenAI server) calls one; the gateway invokes it on the real reference node; the node's
/// answer goes back to the model.
@Suite(.timeLimit(.minutes(2)))
struct NodeToolsTests {
    /// The params each `temperature` call brought.
    final class Received: Sendable {
        let list = Mutex<[JSONValue?]>([])
    }

    static func config(_ server: FakeModelServer, nodes: String) -> String {
        modelConfig(server).replacingOccurrences(
            of: "tools: { fetchUrl: { allowPrivateNetwork: true } },", with: "tools: { fetchUrl: { allowPrivateNetwork: true }, nodes: \(nodes) },")
    }

    /// Runs `body` while a reference node named `kitchen-pi` serves `temperature` and `reboot`.
    static func withNode<T: Sendable>(
        _ gateway: TestGateway, received: Received, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let node = GatewayNode(commands: [
            "temperature": { params in
                received.list.withLock { $0.append(params) }
                return ["celsius": 21.5, "room": params?["room"] ?? "?"]
            },
            "reboot": { _ in
                Issue.record("reboot is not allowed and must never run")
                return [:]
            },
        ])
        var configuration = node.configuration(gateway.clientConfiguration(identity: DeviceIdentity()))
        configuration.client.displayName = "kitchen-pi"
        return try await withGatewayClient(configuration) { client in
            try await client.waitUntilConnected()
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await node.serve(client)
                    return nil
                }
                group.addTask { try await body() }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let result { return result }
                }
                throw CancellationError()
            }
        }
    }

    @Test("enabled: the allowed command is a tool named for the node; the model's call runs on the node with its params and the answer returns to the model; a command not allowed is not offered")
    func nodeCommandAsTool() async throws {
        try await FakeModelServer.with { server in
            server.enqueue(
                .toolCalls([FakeToolCall(id: "call_t", name: "node_kitchen-pi_temperature", arguments: #"{"params":{"room":"hall"}}"#)]),
                .text(["It is 21.5 degrees in the hall."])
            )
            let received = Received()
            try await TestGateway.with(config: Self.config(server, nodes: #"{ enabled: true, allow: ["temperature"] }"#)) { gateway in
                try await Self.withNode(gateway, received: received) {
                    try await gateway.withClient { client in
                        _ = try await client.call(ChatSend.self, .init(sessionKey: "house", message: "how warm is the hall?", idempotencyKey: "node-tool"))
                        let final = try unwrap(try await client.chatEvents(runId: "node-tool").last)
                        #expect(final["state"] == "final", "\(final)")
                    }
                }
            }
            #expect(received.list.withLock { $0 } == [["room": "hall"]], "the node ran the command once with the model's params")
            let offered = server.requests.first?["tools"]?.arrayValue?.compactMap { $0["function"]?["name"]?.stringValue } ?? []
            #expect(offered.contains("node_kitchen-pi_temperature"))
            #expect(!offered.contains("node_kitchen-pi_reboot"), "not in tools.nodes.allow: not offered")
            let second = try unwrap(server.requests.dropFirst().first?["messages"]?.arrayValue)
            let toolResult = try unwrap(second.last?["content"]?.stringValue)
            #expect(second.last?["role"] == "tool" && toolResult.contains("21.5") && toolResult.contains("hall"), "\(toolResult)")
        }
    }

    @Test("off by default: a connected node's commands are not offered to the model")
    func offByDefault() async throws {
        try await FakeModelServer.with { server in
            server.enqueue(.text(["ok"]))
            let received = Received()
            try await TestGateway.with(config: modelConfig(server)) { gateway in
                try await Self.withNode(gateway, received: received) {
                    try await gateway.withClient { client in
                        _ = try await client.call(ChatSend.self, .init(sessionKey: "house", message: "hi", idempotencyKey: "no-node-tool"))
                        _ = try await client.chatEvents(runId: "no-node-tool")
                    }
                }
            }
            let offered = server.requests.first?["tools"]?.arrayValue?.compactMap { $0["function"]?["name"]?.stringValue } ?? []
            #expect(!offered.isEmpty && !offered.contains { $0.hasPrefix("node_") }, "\(offered)")
        }
    }

    @Test("a connected node is in system-presence with role node and its name; it leaves presence when it disconnects")
    func nodeInPresence() async throws {
        try await TestGateway.with { gateway in
            let received = Received()
            try await gateway.withClient { operatorClient in
                let nodeId = try await Self.withNode(gateway, received: received) {
                    let entries = try await operatorClient.call(SystemPresence.self)
                    let node = try unwrap(entries.first { $0.roles == ["node"] }, "node in \(entries)")
                    #expect(node.host == "kitchen-pi" && node.mode == "node" && node.deviceId != nil)
                    return try unwrap(node.deviceId)
                }
                // In arrival order: a presence broadcast with the node, then the one after it left.
                for present in [true, false] {
                    _ = try await operatorClient.nextEvent("presence \(present ? "with" : "without") the node") { event in
                        guard case .event(let frame) = event, frame.event == "presence", let payload = frame.payload else { return false }
                        return GatewayJSON.string(payload).contains(nodeId) == present
                    }
                }
                #expect(try await !operatorClient.call(SystemPresence.self).contains { $0.deviceId == nodeId })
            }
        }
    }
}
