import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Synchronization
import Testing

@testable import SwitchboardCore

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
    static func readUntil(_ socket: RawSocket, delivered: @escaping @Sendable () -> Int, log: AttemptLog, ack: Bool) async throws -> Set<String> {
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
            do {
                try await log.wait("every reply counted delivered") { $0.delivered.count == delivered() }
            } catch {
                Issue.record("delivered \(log.tally.delivered.sorted()), \(log.tally.failures) failed attempts")
                throw error
            }
            try await socket.close()
            try await group.waitForAll()
        }
        return Set((seen.value?.arrayValue ?? []).compactMap(\.stringValue))
    }

    func outbox(_ gateway: TestGateway) async throws -> [String: Int] {
        try await gateway.withClient { client in try await client.call(ChannelsStatus.self, .init()).outbox("adapter") }
    }

    @Test("an acking adapter that never acks and reconnects gets all 20 replies; none counted delivered before its ack")
    func unackedRepliesAreRedelivered() async throws {
        try await FakeModelServer.with { model in
            model.setDefault(.echo)
            try await TestGateway.with(config: Self.config(model)) { gateway in try await AttemptLog.watching(gateway) { log in
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
                    // Every reply has had an attempt go unacknowledged.
                    try await log.wait("20 unacknowledged attempts") { $0.failures >= 20 }
                    try await socket.close()
                }
                #expect(log.tally.delivered.isEmpty)
                #expect(try await outbox(gateway)["delivered", default: 0] == 0)
                // Second connection: every reply comes again; acking them delivers them.
                let acked = ResponseBox()
                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    try await Self.register(socket, capabilities: #""ack""#)
                    // Ack every reply as it comes (a slow ack means it comes again) until all count as delivered.
                    let ids = try await Self.readUntil(socket, delivered: { 20 }, log: log, ack: true)
                    acked.set(.int(ids.count))
                }
                #expect(acked.value == .int(20))
                #expect(try await outbox(gateway)["delivered", default: 0] == 20)
            } }
        }
    }

    @Test("an adapter without acks: a reply its socket never took is not delivered, and comes on the next registration")
    func unflushedRepliesAreNotDelivered() async throws {
        try await FakeModelServer.with { model in
            model.setDefault(.echo)
            try await TestGateway.with(config: Self.config(model)) { gateway in try await AttemptLog.watching(gateway) { log in
                // 8 replies of 1.5 MB to a socket that stopped reading: more than the kernel buffers hold.
                let big = String(repeating: "z", count: 1_500_000)
                let stalled = try StalledSocket(port: gateway.port, path: "/adapter")
                try stalled.send(text: #"{"type":"register","node_id":"node-1","platform":"discord","secret":"s3cret"}"#)
                for index in 0..<8 { try stalled.send(text: Self.message("s\(index)", content: big)) }
                try await log.wait("an attempt to the stalled socket to time out") { $0.failures > 0 }
                let before = log.tally.delivered.count
                #expect(before < 8, "\(before) delivered to a socket that never read")
                #expect(log.tally.failures > 0)
                stalled.abort()
                // A reading adapter under the same node id gets what was not delivered.
                _ = try await RawSocket.session(url: gateway.url + "/adapter") { socket in
                    try await Self.register(socket, capabilities: "")
                    // The stalled socket held back some of the 8 messages unread; each one the agent
                    // answered (one model request each) has exactly one reply to deliver.
                    let ids = try await Self.readUntil(socket, delivered: { model.requests.count }, log: log, ack: false)
                    #expect(ids.count >= model.requests.count - before)
                }
                #expect(log.tally.delivered.count > before)
                #expect(try await outbox(gateway)["delivered", default: 0] == model.requests.count)
            } }
        }
    }
}

/// The outbox's delivery attempts as they finish, tallied so a test can wait for a state
/// (so many delivered, a failed attempt) on the events themselves.
final class AttemptLog: Sendable {
    struct Tally: Sendable {
        var delivered: Set<Int64> = []
        var failures = 0
    }

    private struct Waiter {
        var condition: @Sendable (Tally) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    private let state = Mutex<(tally: Tally, waiters: [UUID: Waiter])>((Tally(), [:]))

    var tally: Tally { state.withLock { $0.tally } }

    /// Runs `body` while every attempt of `gateway`'s outbox is recorded.
    static func watching<T: Sendable>(_ gateway: TestGateway, _ body: @Sendable (AttemptLog) async throws -> T) async throws -> T {
        let attempts = try #require(gateway.application).runtime.channels.outbox.attempts()
        let log = AttemptLog()
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                for await attempt in attempts { log.record(attempt) }
                return nil
            }
            defer { group.cancelAll() }
            return try await body(log)
        }
    }

    func record(_ attempt: OutboxDispatcher.DeliveryAttempt) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            if attempt.delivered { state.tally.delivered.insert(attempt.id) } else { state.tally.failures += 1 }
            let tally = state.tally
            let met = state.waiters.filter { $0.value.condition(tally) }
            for key in met.keys { state.waiters[key] = nil }
            return met.values.map(\.continuation)
        }
        for continuation in ready { continuation.resume() }
    }

    /// Waits until `condition` holds for the tally, failing after `timeout`.
    func wait(_ what: String, timeout: Duration = .seconds(30), until condition: @escaping @Sendable (Tally) -> Bool) async throws {
        try await withTimeout(timeout, what) {
            let key = UUID()
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let now = self.state.withLock { state -> Bool in
                        if condition(state.tally) { return true }
                        state.waiters[key] = Waiter(condition: condition, continuation: continuation)
                        return false
                    }
                    if now { continuation.resume() }
                }
            } onCancel: {
                self.state.withLock { $0.waiters.removeValue(forKey: key) }?.continuation.resume()
            }
            if Task.isCancelled { throw CancellationError() }
        }
    }
}
