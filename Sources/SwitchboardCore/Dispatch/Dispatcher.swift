import Foundation
import Logging
import NIOCore
import SwitchboardProtocol

/// Runs one post-handshake request: lookup, authorise, invoke, and turn any failure into the
/// documented error response. Never throws: every outcome is a `res` frame.
struct Dispatcher: Sendable {
    let registry: MethodRegistry
    let logger: Logger
    let metrics: GatewayMetrics

    func handle(frame: Data, requestId: String, method: String, connection: GatewayConnection) async -> ByteBuffer {
        let started = ContinuousClock.now
        let (response, outcome) = await respond(frame: frame, requestId: requestId, method: method, connection: connection)
        metrics.recordRequest(method: registry.entry(method) == nil ? "unknown" : method, outcome: outcome, duration: ContinuousClock.now - started)
        return response
    }

    /// The response frame and the outcome label for metrics (`ok` or the error code).
    private func respond(frame: Data, requestId: String, method: String, connection: GatewayConnection) async -> (ByteBuffer, String) {
        guard let principal = connection.principal else {
            return Self.failed(id: requestId, .invalidRequest("not connected"))
        }
        if method == "connect" {
            return Self.failed(id: requestId, .invalidRequest("invalid request: connect already completed on this socket"))
        }
        guard let entry = registry.entry(method) else {
            return Self.failed(id: requestId, .invalidRequest("unknown method: \(method)"))
        }
        let protocolVersion = connection.protocolVersion
        if let denial = Authorizer.check(method: method, access: entry.descriptor.access, principal: principal, protocolVersion: protocolVersion) {
            return Self.failed(id: requestId, denial)
        }
        var requestLogger = logger
        requestLogger[metadataKey: "sb.conn.id"] = "\(connection.id)"
        requestLogger[metadataKey: "sb.req.id"] = "\(requestId)"
        requestLogger[metadataKey: "sb.method"] = "\(method)"
        let context = RequestContext(
            connectionId: connection.id, requestId: requestId, principal: principal, protocolVersion: protocolVersion, logger: requestLogger,
            connection: connection
        )
        let started = ContinuousClock.now
        do {
            let response = try await entry.invoke(frame, context)
            requestLogger.debug("request handled", metadata: ["sb.duration.us": "\((ContinuousClock.now - started).microseconds)"])
            return (response, "ok")
        } catch let failure as GatewayFailure {
            requestLogger.debug("request failed", metadata: ["sb.error.code": "\(failure.error.code.rawValue)"])
            var buffer = ByteBuffer()
            buffer.writeBytes((try? GatewayJSON.encoder.encode(AnyResponseFrame.failure(id: requestId, failure.error, payload: failure.payload))) ?? Data())
            return (buffer, failure.error.code.rawValue)
        } catch let error as GatewayError {
            requestLogger.debug("request failed", metadata: ["sb.error.code": "\(error.code.rawValue)"])
            return Self.failed(id: requestId, error)
        } catch let error as any GatewayErrorConvertible {
            return Self.failed(id: requestId, error.gatewayError)
        } catch is CancellationError {
            return Self.failed(id: requestId, .unavailable("request cancelled"))
        } catch {
            requestLogger.error("handler failed", metadata: ["error.type": "\(type(of: error))"])
            return Self.failed(id: requestId, .unavailable("\(method) failed inside the gateway; see the gateway log"))
        }
    }

    private static func failed(id: String, _ error: GatewayError) -> (ByteBuffer, String) {
        (errorFrame(id: id, error), error.code.rawValue)
    }

    static func errorFrame(id: String, _ error: GatewayError) -> ByteBuffer {
        var buffer = ByteBuffer()
        let data = (try? GatewayJSON.encoder.encode(AnyResponseFrame.failure(id: id, error))) ?? Data()
        buffer.writeBytes(data)
        return buffer
    }

    static func successFrame<T: Codable & Sendable>(id: String, _ payload: T) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeBytes((try? GatewayJSON.encoder.encode(ResponseFrame<T>.success(id: id, payload))) ?? Data())
        return buffer
    }
}

/// A failed response that still carries a payload (`agent`'s second `res` on error, §2.2).
struct GatewayFailure: Error {
    var error: GatewayError
    var payload: JSONValue
}

extension Duration {
    var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
