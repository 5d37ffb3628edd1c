import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// A reply to an adapter counts as delivered only when the adapter acked it (`ack`
/// capability) or, for adapters that never ack, once its bytes were written and flushed;
/// whatever was not is delivered again when the node registers again.
@Suite("Adapter delivery", .timeLimit(.minutes(2)))
struct AdapterDeliveryTests {
    static func config(_ model: FakeModelServer) -> String {
        modelConfig(
            model,
            extra: """
                channels: { adapter: { secret: "s3cret", dmPolicy: "open", deliveryTimeoutMs: 400 },
                            outbox: { retryBaseMs: 50, retryMaxMs: 200, maxAttempts: 1000 } },
                """
        )
    }

    static func message(_ id: String, content: String = "hi") -> String {
        #"{"type":"message","id":"\#(id)","user":{"id":"u-\#(id)","name":"Ann"},"channel":{"id":"c-\#(id)","type":"dm"},"content":"\#(content)"}"#
    }

    static func register(_ socket: RawSocket, capabilities: String) async throws {
        try await socket.send(text: #"{"type":"register","node_id":"node-1","platform":"discord","capabilities":[\#(capabilities)],"secret":"s3cret"}"#)
        _ = try await socket.receive { $0["type"] == "registered" }
    }

    /// Reads (and acks, if asked) replies on `socket` until the gateway counts `delivered`
    /// replies as delivered, then closes; returns the request ids seen.
    static func readUntil(_ socket: RawSocket, delivered: Int, gateway: TestGateway, ack: Bool) async throws -> Set<String> {
        let seen = ResponseBox()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var ids = Set<String>()
                while let frame = try await socket.receive() {
                    guard frame["type"] == "response_end", let id = frame["request_id"]?.stringValue else { continue }
                    ids.insert(id)
                    seen.set(.array(ids.sorted().map { .string($0) }))
                    if ack, let delivery = frame["delivery_id"]?.stringValue {
                        try await socket.send(text: #"{"type":"ack","delivery_id":"\#(delivery)"}"#)
                    }
                }
            }
            try await pollUntil("\(delivered) replies counted delivered") {
                (try? await gateway.withClient { try await $0.call(ChannelsStatus.self, .init()).outbox["delivered", default: 0] }) == delivered
            }
            try await socket.close()
            try await group.waitForAll()
        }
        return Set((seen.value?.arrayValue ?? []).compactMap(\.stringValue))
    }

    func outbox(_ gateway: TestGateway) async throws -> [String: Int] {
        try await gateway.withClient { client in try await client.call(ChannelsStatus.self, .init()).outbox }
    }

    @Test("an acking adapter that never acks and reconnects gets all 20 replies; none counted delivered before its ack")
    func unackedRepliesAreRedelivered() async throws {
        try await FakeModelServer.with { model in
            model.setDefault(.echo)
            try await TestGateway.with(config: Self.config(model)) { gateway in
                // First connection: sends 20 messages, reads the replies, acks none, leaves.
                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    try await Self.register(socket, capabilities: #""streaming","ack""#)
                    for index in 0..<20 { try await socket.send(text: Self.message("m\(index)")) }
                    var ends = Set<String>()
                    while ends.count < 20, let frame = try await socket.receive() {
                        if frame["type"] == "response_end", let id = frame["request_id"]?.stringValue {
                            #expect(frame["delivery_id"]?.stringValue?.hasPrefix("d-") == true)
                            ends.insert(id)
                        }
                    }
                    try await socket.close()
                }
                #expect(try await outbox(gateway)["delivered", default: 0] == 0)
                // Second connection: every reply comes again; acking them delivers them.
                let acked = ResponseBox()
                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    try await Self.register(socket, capabilities: #""ack""#)
                    // Ack every reply as it comes (a slow ack means it comes again) until all count as delivered.
                    let ids = try await Self.readUntil(socket, delivered: 20, gateway: gateway, ack: true)
                    acked.set(.int(ids.count))
                }
                #expect(acked.value == .int(20))
            }
        }
    }

    @Test("an adapter without acks: a reply its socket never took is not delivered, and comes on the next registration")
    func unflushedRepliesAreNotDelivered() async throws {
        try await FakeModelServer.with { model in
            model.setDefault(.echo)
            try await TestGateway.with(config: Self.config(model)) { gateway in
                // 8 replies of 1.5 MB to a socket that stopped reading: more than the kernel buffers hold.
                let big = String(repeating: "z", count: 1_500_000)
                let stalled = try StalledSocket(port: gateway.port, path: "/adapter")
                try stalled.send(text: #"{"type":"register","node_id":"node-1","platform":"discord","secret":"s3cret"}"#)
                for index in 0..<8 { try stalled.send(text: Self.message("s\(index)", content: big)) }
                try await pollUntil("the stalled socket's replies to time out") {
                    let counts = (try? await outbox(gateway)) ?? [:]
                    return counts["pending", default: 0] > 0 && counts["delivered", default: 0] < 8
                }
                let before = try await outbox(gateway)["delivered", default: 0]
                #expect(before < 8, "\(before) delivered to a socket that never read")
                stalled.abort()
                // A reading adapter under the same node id gets what was not delivered.
                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    try await Self.register(socket, capabilities: "")
                    let ids = try await Self.readUntil(socket, delivered: 8, gateway: gateway, ack: false)
                    #expect(ids.count >= 8 - before)
                }
            }
        }
    }
}

/// Polls `condition` every 20 ms until it holds, failing after `timeout`.
func pollUntil(_ what: String, timeout: Duration = .seconds(30), _ condition: @Sendable () async -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !(await condition()) {
        guard ContinuousClock.now < deadline else { throw Missing(what: what) }
        try await Task.sleep(for: .milliseconds(20))
    }
}
