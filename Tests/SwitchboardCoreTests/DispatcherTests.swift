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
}
