import Foundation
import Logging
import NIOCore
import SwitchboardProtocol
import Testing

@testable import SwitchboardCore

/// Handler failures reach clients as UNAVAILABLE without internals.
struct DispatcherTests {
    struct SecretFailure: Error {
        var detail = "database password is hunter2"
    }

    func connection(scopes: [OperatorScope]) -> GatewayConnection {
        let connection = GatewayConnection(id: "c1", remoteAddress: "127.0.0.1", isLoopback: true, connectedAtMs: 0, maxBufferedBytes: 1 << 20)
        let principal = Principal(
            role: .operator, scopes: scopes, deviceId: nil, method: .none,
            client: ClientInfo(id: "t", version: "1", platform: "linux", mode: "test"), caps: []
        )
        connection.authenticated(as: principal, protocolVersion: 4, presenceKey: nil)
        return connection
    }

    func response(_ buffer: ByteBuffer) throws -> JSONValue {
        try GatewayJSON.decoder.decode(JSONValue.self, from: Data(buffer.readableBytesView))
    }

    @Test func aThrowingHandlerAnswersUnavailableWithoutInternals() async throws {
        var registry = MethodRegistry()
        registry.register(Status.self) { _, _ in throw SecretFailure() }
        let dispatcher = Dispatcher(registry: registry, logger: Logger(label: "test"), metrics: GatewayMetrics())
        let answer = try response(await dispatcher.handle(InboundRequest(id: "r1", method: "status"), connection: connection(scopes: [.read])))
        #expect(answer["ok"] == false && answer["id"] == "r1")
        #expect(answer["error"]?["code"] == "UNAVAILABLE" && answer["error"]?["retryable"] == true)
        let text = GatewayJSON.string(answer)
        #expect(!text.contains("hunter2") && !text.contains("SecretFailure"))
    }

    @Test func gatewayErrorsFromHandlersPassThrough() async throws {
        var registry = MethodRegistry()
        registry.register(Status.self) { _, _ in throw GatewayError.invalidRequest("sessionKey: unknown session") }
        let dispatcher = Dispatcher(registry: registry, logger: Logger(label: "test"), metrics: GatewayMetrics())
        let answer = try response(await dispatcher.handle(InboundRequest(id: "r2", method: "status"), connection: connection(scopes: [.read])))
        #expect(answer["error"]?["message"] == "sessionKey: unknown session")
    }

    @Test func immediateAnswersComeWithoutATaskAndNilFallsBackToTheHandler() async throws {
        var registry = MethodRegistry()
        registry.registerEncoded(
            Health.self,
            immediate: { params, _ in params.probe == true ? nil : try EncodedPayload(["cached": true]) },
            { _, _ in try EncodedPayload(["cached": false]) }
        )
        let dispatcher = Dispatcher(registry: registry, logger: Logger(label: "test"), metrics: GatewayMetrics())
        let client = connection(scopes: [.read])
        func answeredAtOnce(_ request: InboundRequest) throws -> JSONValue? {
            guard case .answered(let buffer) = dispatcher.start(request, connection: client) else { return nil }
            return try response(buffer)
        }
        let cached = try #require(try answeredAtOnce(InboundRequest(id: "h1", method: "health")))
        #expect(cached["id"] == "h1" && cached["payload"]?["cached"] == true)
        // A probe cannot be answered at once: the handler runs, once, on the task path.
        let probe = InboundRequest(id: "h2", method: "health", params: ByteBuffer(string: #"{"probe":true}"#))
        guard case .pending(let pending) = dispatcher.start(probe, connection: client) else { Issue.record("a probe must wait"); return }
        #expect(try response(await dispatcher.finish(pending))["payload"]?["cached"] == false)
        // Refusals never need a task either.
        let unknown = try #require(try answeredAtOnce(InboundRequest(id: "u", method: "nope")))
        #expect(unknown["error"]?["message"] == "unknown method: nope")
        // Bad params are named, on either path.
        let bad = try #require(try answeredAtOnce(InboundRequest(id: "b", method: "health", params: ByteBuffer(string: #"{"probe":"yes"}"#))))
        #expect(bad["error"]?["message"] == "invalid params: params.probe: expected boolean")
    }
}
