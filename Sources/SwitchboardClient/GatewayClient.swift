import Foundation
import WSClient
public import Logging
import NIOCore
import NIOWebSocket
import Synchronization
public import SwitchboardProtocol

/// A client of the gateway protocol: handshake (token and/or device signature), typed calls
/// with timeouts, events as an `AsyncSequence`, reconnect with backoff, a tick watchdog and
/// `seq`-gap reporting.
///
/// Call ``run()`` in a task you own (or use ``withGatewayClient(_:logger:_:)``); calls wait
/// for the connection.
public final class GatewayClient: Sendable {
    public let configuration: GatewayClientConfiguration
    let logger: Logger
    /// Events in arrival order; bounded (newest kept) so an idle consumer cannot grow memory.
    public let events: AsyncStream<ClientEvent>
    let eventContinuation: AsyncStream<ClientEvent>.Continuation
    let state = Mutex(State())

    struct State {
        var outbound: WebSocketOutboundWriter?
        var hello: HelloOK?
        var pending: [String: PendingResponse] = [:]
        /// Requests whose interim `accepted` answer is skipped (``callRaw(method:params:timeout:expectFinal:)``).
        var expectFinal: Set<String> = []
        var connectWaiters: [UUID: CheckedContinuation<HelloOK, any Error>] = [:]
        var lastSeq: Int?
        var lastTick = ContinuousClock.now
        var terminalError: GatewayClientError?
        var stopped = false
        var nextId = 0
        var deviceToken: String?
        /// A close this client initiated (tick watchdog), reported instead of the peer's echo.
        var localClose: (code: Int, reason: String)?
    }

    public init(configuration: GatewayClientConfiguration, logger: Logger = Logger(label: "switchboard.client")) {
        self.configuration = configuration
        self.logger = logger
        (events, eventContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        state.withLock { $0.deviceToken = configuration.deviceToken }
    }

    /// The latest `hello-ok`, while connected.
    public var hello: HelloOK? { state.withLock { $0.hello } }

    /// Connects, and reconnects with backoff until cancelled or refused for good.
    public func run() async {
        let backoff = Mutex(Backoff(initial: configuration.backoffInitial, maximum: configuration.backoffMax))
        while !Task.isCancelled {
            let outcome = await runSession(onConnected: { backoff.withLock { $0.reset() } })
            let terminal = disconnect(outcome)
            if terminal || !configuration.reconnect || Task.isCancelled { break }
            let delay = backoff.withLock { $0.next() }
            eventContinuation.yield(.reconnecting(delay: delay))
            do {
                try await Task.sleep(for: delay)
            } catch {
                break
            }
        }
        stop(GatewayClientError(.closed, "client stopped"))
    }

    /// Waits until `hello-ok` (or fails with why it cannot connect).
    @discardableResult
    public func waitUntilConnected(timeout: Duration? = nil) async throws -> HelloOK {
        try await withThrowingTaskGroup(of: HelloOK.self) { group in
            let waiterId = UUID()
            group.addTask {
                try await withTaskCancellationHandler {
                    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HelloOK, any Error>) in
                        let immediate: Result<HelloOK, any Error>? = self.state.withLock { state in
                            if let hello = state.hello, state.outbound != nil { return .success(hello) }
                            if let error = state.terminalError { return .failure(error) }
                            state.connectWaiters[waiterId] = continuation
                            return nil
                        }
                        if let immediate { continuation.resume(with: immediate) }
                    }
                } onCancel: {
                    let waiter = self.state.withLock { $0.connectWaiters.removeValue(forKey: waiterId) }
                    waiter?.resume(throwing: CancellationError())
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout ?? self.configuration.connectTimeout)
                throw GatewayClientError(.timeout, "no connection to \(self.configuration.url) within the connect timeout")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// Calls a typed method and decodes its result.
    public func call<M: GatewayMethod>(_ method: M.Type, _ params: M.Params, timeout: Duration? = nil) async throws -> M.Result {
        let data = try await request(method: M.name, params: params, timeout: timeout)
        let frame: ResponseFrame<M.Result>
        do {
            frame = try GatewayJSON.decoder.decode(ResponseFrame<M.Result>.self, from: data)
        } catch {
            throw GatewayClientError(.invalidResponse, "could not decode the \(M.name) response: \(error)")
        }
        guard frame.ok else {
            throw GatewayClientError(.requestFailed, "\(M.name) failed", gatewayError: frame.error)
        }
        if let payload = frame.payload { return payload }
        // A null payload is a valid result for optional result types (e.g. last-heartbeat).
        if let result = try? GatewayJSON.decoder.decode(M.Result.self, from: Data("null".utf8)) { return result }
        throw GatewayClientError(.invalidResponse, "\(M.name) returned no payload")
    }

    public func call<M: GatewayMethod>(_ method: M.Type, timeout: Duration? = nil) async throws -> M.Result where M.Params == EmptyParams {
        try await call(method, EmptyParams(), timeout: timeout)
    }

    /// Calls any method by name with open JSON params; returns the whole response frame.
    /// - Parameter expectFinal: for two-stage methods (`agent`): skip the interim
    ///   `{status: "accepted"}` answer and return the final one.
    public func callRaw(method: String, params: JSONValue?, timeout: Duration? = nil, expectFinal: Bool = false) async throws -> AnyResponseFrame {
        let data = try await request(method: method, params: params, timeout: timeout, expectFinal: expectFinal)
        do {
            return try GatewayJSON.decoder.decode(AnyResponseFrame.self, from: data)
        } catch {
            throw GatewayClientError(.invalidResponse, "could not decode the \(method) response")
        }
    }

    /// Sends a request frame and waits for the `res` with its id.
    func request<P: Encodable & Sendable>(method: String, params: P?, timeout: Duration?, expectFinal: Bool = false) async throws -> Data {
        try await waitUntilConnected()
        let pending = PendingResponse()
        let (id, outbound, protocolVersion): (String, WebSocketOutboundWriter?, Int) = state.withLock { state in
            state.nextId += 1
            let id = "c\(state.nextId)"
            state.pending[id] = pending
            if expectFinal { state.expectFinal.insert(id) }
            return (id, state.outbound, state.hello?.protocol ?? 3)
        }
        guard let outbound else {
            state.withLock { _ = $0.pending.removeValue(forKey: id) }
            throw GatewayClientError(.disconnected, "not connected to \(configuration.url)")
        }
        let frame = try GatewayJSON.encoder.encode(RequestFrame(id: id, method: method, params: params))
        do {
            try await outbound.write(.text(String(decoding: frame, as: UTF8.self)))
        } catch {
            state.withLock { _ = $0.pending.removeValue(forKey: id) }
            throw GatewayClientError(.disconnected, "connection lost while sending \(method)")
        }
        let limit = timeout ?? configuration.requestTimeout
        do {
            return try await withThrowingTaskGroup(of: Data.self) { group in
                group.addTask { try await pending.wait() }
                group.addTask {
                    try await Task.sleep(for: limit)
                    throw GatewayClientError(.timeout, "\(method) timed out after \(limit)")
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let error as GatewayClientError where error.code == .timeout {
            state.withLock { state in
                _ = state.pending.removeValue(forKey: id)
                state.expectFinal.remove(id)
            }
            if protocolVersion >= 4 {
                // v4: tell the gateway we gave up (old servers ignore it).
                try? await outbound.write(.text(GatewayJSON.string(CancelFrame(id: id))))
            }
            throw error
        }
    }

    /// Stops the client: fails waiters and pending calls, ends the event stream.
    func stop(_ error: GatewayClientError) {
        let (pending, waiters) = state.withLock { state in
            state.stopped = true
            if state.terminalError == nil { state.terminalError = error }
            defer {
                state.pending = [:]
                state.expectFinal = []
                state.connectWaiters = [:]
            }
            return (Array(state.pending.values), Array(state.connectWaiters.values))
        }
        for request in pending { request.fail(error) }
        for waiter in waiters { waiter.resume(throwing: state.withLock { $0.terminalError } ?? error) }
        eventContinuation.finish()
    }
}

/// Runs a client for the duration of `body`, then shuts it down: the scoped-lifetime API.
public func withGatewayClient<Result: Sendable>(
    _ configuration: GatewayClientConfiguration,
    logger: Logger = Logger(label: "switchboard.client"),
    _ body: @Sendable (GatewayClient) async throws -> Result
) async throws -> Result {
    let client = GatewayClient(configuration: configuration, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(client)
    }
}
