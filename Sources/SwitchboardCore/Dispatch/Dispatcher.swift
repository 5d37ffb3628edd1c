import Foundation
import Logging
import NIOCore
import SwitchboardProtocol

/// One post-handshake request as read from its frame: `params` nil when none were sent.
struct InboundRequest: Sendable {
    var id: String
    var method: String
    var params: ByteBuffer? = nil
}

/// A request that passed every check and waits for its handler to run in a task.
struct PendingRequest: Sendable {
    fileprivate let request: InboundRequest
    fileprivate let entry: MethodRegistry.Entry
    fileprivate let context: RequestContext
    fileprivate let started: ContinuousClock.Instant
}

/// Runs one post-handshake request: lookup, authorise, invoke, and turn any failure into the
/// documented error response. Never throws: every outcome is a `res` frame.
///
/// ``start(_:connection:)`` runs on the event loop: refusals and methods that can answer at
/// once (``MethodRegistry/registerEncoded(_:immediate:_:)``) are done there, with no task and
/// no thread hop; anything else comes back as a ``PendingRequest`` for ``finish(_:)`` in a task.
struct Dispatcher: Sendable {
    enum Start: Sendable {
        case answered(ByteBuffer)
        case pending(PendingRequest)
    }

    let registry: MethodRegistry
    let logger: Logger
    let metrics: GatewayMetrics
    /// Per-method metrics, plus `unknown` for names outside the registry (bounded labels).
    private let slots: [String: MethodMetricsSlot]

    init(registry: MethodRegistry, logger: Logger, metrics: GatewayMetrics) {
        self.registry = registry
        self.logger = logger
        self.metrics = metrics
        var slots: [String: MethodMetricsSlot] = ["unknown": MethodMetricsSlot(method: "unknown")]
        for name in registry.names { slots[name] = MethodMetricsSlot(method: name) }
        self.slots = slots
    }

    /// Checks the request and answers it if that needs no waiting.
    func start(_ request: InboundRequest, connection: GatewayConnection) -> Start {
        let started = ContinuousClock.now
        let entry: MethodRegistry.Entry
        let context: RequestContext
        switch prepare(request, connection: connection) {
        case .refused(let response, let outcome):
            record(request.method, outcome: outcome, since: started)
            return .answered(response)
        case .ready(let readyEntry, let readyContext):
            entry = readyEntry
            context = readyContext
        }
        let pending = PendingRequest(request: request, entry: entry, context: context, started: started)
        guard let immediate = entry.immediate else { return .pending(pending) }
        let response: ByteBuffer
        let outcome: String
        do {
            guard let answer = try immediate(request.params, context) else { return .pending(pending) }
            (response, outcome) = (answer, "ok")
        } catch {
            (response, outcome) = failure(error, request: request, context: context)
        }
        record(request.method, outcome: outcome, since: started)
        return .answered(response)
    }

    /// Runs a checked request's handler to its answer (in a task the connection owns).
    func finish(_ pending: PendingRequest) async -> ByteBuffer {
        let (request, context) = (pending.request, pending.context)
        let response: ByteBuffer
        let outcome: String
        do {
            response = try await pending.entry.invoke(request.params, context)
            outcome = "ok"
            if context.baseLogger.logLevel <= .debug {
                context.logger.debug("request handled", metadata: ["sb.duration.us": "\((ContinuousClock.now - pending.started).microseconds)"])
            }
        } catch {
            (response, outcome) = failure(error, request: request, context: context)
        }
        record(request.method, outcome: outcome, since: pending.started)
        return response
    }

    /// ``start(_:connection:)`` then, if needed, ``finish(_:)``: one request, start to answer.
    func handle(_ request: InboundRequest, connection: GatewayConnection) async -> ByteBuffer {
        switch start(request, connection: connection) {
        case .answered(let response): response
        case .pending(let pending): await finish(pending)
        }
    }

    private enum Prepared {
        case refused(ByteBuffer, outcome: String)
        case ready(MethodRegistry.Entry, RequestContext)
    }

    /// Who may call what: everything checked before a handler runs.
    private func prepare(_ request: InboundRequest, connection: GatewayConnection) -> Prepared {
        let method = request.method
        guard let principal = connection.principal else {
            return refused(id: request.id, .invalidRequest("not connected"))
        }
        if method == "connect" {
            return refused(id: request.id, .invalidRequest("invalid request: connect already completed on this socket"))
        }
        guard let entry = registry.entry(method) else {
            return refused(id: request.id, .invalidRequest("unknown method: \(method)"))
        }
        let protocolVersion = connection.protocolVersion
        if let denial = Authorizer.check(method: method, access: entry.descriptor.access, principal: principal, protocolVersion: protocolVersion) {
            return refused(id: request.id, denial)
        }
        let context = RequestContext(
            connectionId: connection.id, requestId: request.id, principal: principal, protocolVersion: protocolVersion, connection: connection,
            method: method, baseLogger: logger
        )
        return .ready(entry, context)
    }

    private func refused(id: String, _ error: GatewayError) -> Prepared {
        .refused(Self.errorFrame(id: id, error), outcome: error.code.rawValue)
    }

    /// A handler's error as the documented response; internals never reach the client.
    private func failure(_ error: any Error, request: InboundRequest, context: RequestContext) -> (ByteBuffer, String) {
        let requestId = request.id
        switch error {
        case let failure as GatewayFailure:
            context.logger.debug("request failed", metadata: ["sb.error.code": "\(failure.error.code.rawValue)"])
            var buffer = ByteBuffer()
            buffer.writeBytes((try? GatewayJSON.encoder.encode(AnyResponseFrame.failure(id: requestId, failure.error, payload: failure.payload))) ?? Data())
            return (buffer, failure.error.code.rawValue)
        case let error as GatewayError:
            context.logger.debug("request failed", metadata: ["sb.error.code": "\(error.code.rawValue)"])
            return Self.failed(id: requestId, error)
        case let error as any GatewayErrorConvertible:
            return Self.failed(id: requestId, error.gatewayError)
        case is CancellationError:
            return Self.failed(id: requestId, .unavailable("request cancelled"))
        default:
            context.logger.error("handler failed", metadata: ["error.type": "\(type(of: error))"])
            return Self.failed(id: requestId, StoreFailure.error(error, doing: request.method, logger: context.logger))
        }
    }

    private func record(_ method: String, outcome: String, since started: ContinuousClock.Instant) {
        guard let slot = slots[method] ?? slots["unknown"] else { return }
        slot.metrics(in: metrics).record(outcome: outcome, duration: ContinuousClock.now - started)
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
