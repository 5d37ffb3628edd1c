import Foundation
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import SwitchboardProtocol

/// Drives one WebSocket: challenge, handshake, then requests and events until it closes.
///
/// One structured task group per connection: a reader (handshake, then a dispatch child per
/// request), a writer draining the bounded queue, the handshake deadline, and a watchdog that
/// bounds how long a closing socket may linger.
struct ConnectionHandler: Sendable {
    let runtime: GatewayRuntime
    let dispatcher: Dispatcher

    init(runtime: GatewayRuntime) {
        self.runtime = runtime
        self.dispatcher = Dispatcher(registry: runtime.registry, logger: runtime.logger, metrics: runtime.host.metrics)
    }

    private enum ChildResult: Sendable {
        case readerFinished((any Error)?)
        case writerFinished
        case handshakeDeadline
        case closeDeadline
    }

    /// - Parameter adapterPath: the socket was opened on `/adapter`: no challenge, adapter protocol only.
    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, remote: SocketAddress?, adapterPath: Bool = false) async throws {
        let config = runtime.configuration.gateway
        let address = remote?.ipAddress ?? "unknown"
        let connection = GatewayConnection(
            id: UUID().uuidString.lowercased(), remoteAddress: address, isLoopback: Self.isLoopback(remote),
            connectedAtMs: runtime.clock.nowMs(), maxBufferedBytes: config.maxBufferedBytes
        )
        let logger = {
            var logger = runtime.logger
            logger[metadataKey: "sb.conn.id"] = "\(connection.id)"
            return logger
        }()
        runtime.connections.add(connection)
        defer { finish(connection, logger: logger) }

        let nonce = UUID().uuidString.lowercased()
        if !adapterPath {
            runtime.bus.send(ConnectChallengeEvent.self, .init(nonce: nonce, ts: runtime.clock.nowMs()), to: connection)
        }
        if runtime.readiness.current == .draining {
            connection.queue.requestClose(code: 1012, reason: "service restart")
        }

        var readerError: (any Error)?
        await withTaskGroup(of: ChildResult.self) { group in
            group.addTask {
                await Self.write(queue: connection.queue, to: outbound)
                return .writerFinished
            }
            group.addTask {
                do {
                    try await self.read(inbound, connection: connection, nonce: nonce, adapterPath: adapterPath, logger: logger)
                    return .readerFinished(nil)
                } catch {
                    return .readerFinished(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(config.handshakeTimeoutMs))
                return .handshakeDeadline
            }
            group.addTask {
                await connection.queue.waitUntilClosing()
                try? await Task.sleep(for: .milliseconds(config.closeTimeoutMs))
                return .closeDeadline
            }
            var readerDone = false
            var writerDone = false
            while let result = await group.next() {
                switch result {
                case .readerFinished(let error):
                    readerDone = true
                    readerError = error
                    // Let the writer flush a pending close (e.g. a rejected connect) first.
                    if !connection.queue.isClosing || writerDone || error != nil {
                        group.cancelAll()
                        return
                    }
                case .writerFinished:
                    writerDone = true
                    if readerDone {
                        group.cancelAll()
                        return
                    }
                case .handshakeDeadline:
                    if !connection.isHandshakeComplete && !Task.isCancelled {
                        logger.debug("handshake timed out")
                        connection.queue.requestClose(code: 1000, reason: nil)
                    }
                case .closeDeadline:
                    group.cancelAll()
                    return
                }
            }
        }
        if let readerError { throw readerError }
    }

    /// Drains the queue onto the socket; returns after sending a close or when the socket fails.
    private static func write(queue: OutboundQueue, to outbound: WebSocketOutboundWriter) async {
        while let item = await queue.next() {
            switch item {
            case .frame(let buffer):
                do {
                    try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: buffer)))
                } catch {
                    queue.finish()
                    return
                }
            case .close(let code, let reason):
                try? await outbound.close(WebSocketErrorCode(codeNumber: Int(code)), reason: reason.map(Self.closeReason))
                return
            }
        }
    }

    /// Reads whole messages: the handshake first, then requests dispatched as child tasks.
    private func read(_ inbound: WebSocketInboundStream, connection: GatewayConnection, nonce: String, adapterPath: Bool, logger: Logger) async throws {
        let config = runtime.configuration.gateway
        var machine = HandshakeStateMachine()
        var iterator = inbound.makeAsyncIterator()
        if adapterPath {
            try await serveAdapter(first: nil, iterator: &iterator, connection: connection, logger: logger)
            return
        }
        try await withThrowingDiscardingTaskGroup { requests in
            defer { requests.cancelAll() }
            while true {
                let limit = connection.principal == nil ? config.maxPreAuthPayloadBytes : config.maxPayloadBytes
                let frame: Data
                do {
                    guard let message = try await MessageAssembler.next(&iterator, maxSize: limit) else { return }
                    frame = message
                } catch MessageAssembler.Failure.tooLarge {
                    logger.info("closing: frame over the size limit", metadata: ["sb.limit.bytes": "\(limit)"])
                    connection.queue.requestClose(code: 1009, reason: "message too big", discardPending: false)
                    return
                } catch MessageAssembler.Failure.protocolError {
                    connection.queue.requestClose(code: 1002, reason: "protocol error")
                    return
                }
                if connection.queue.isClosing { continue }
                switch machine.receive(frame) {
                case .ignore:
                    continue
                case .close(let code, let reason):
                    logger.debug("closing after invalid first frame", metadata: ["sb.close.code": "\(code)"])
                    connection.queue.requestClose(code: code, reason: reason)
                case .reject(let id, let error, let closeCode, let closeReason):
                    connection.send(Dispatcher.errorFrame(id: id, error))
                    connection.queue.requestClose(code: closeCode, reason: closeReason)
                case .authenticate(let id, let params, let version):
                    if await connect(id: id, params: params, version: version, nonce: nonce, connection: connection, logger: logger) {
                        machine.authenticated(protocolVersion: version)
                    } else {
                        machine.close()
                    }
                case .dispatch(let header):
                    dispatch(header: header, frame: frame, connection: connection, requests: &requests)
                case .adapter:
                    try await serveAdapter(first: frame, iterator: &iterator, connection: connection, logger: logger)
                    return
                }
            }
        }
    }

    private func dispatch(header: FrameHeader, frame: Data, connection: GatewayConnection, requests: inout ThrowingDiscardingTaskGroup<any Error>) {
        switch header.type {
        case "req":
            guard let id = header.id, !id.isEmpty, let method = header.method, !method.isEmpty else {
                connection.send(Dispatcher.errorFrame(id: header.id ?? "invalid", .invalidRequest("invalid request frame: id and method are required")))
                return
            }
            guard connection.beginRequest(limit: runtime.configuration.gateway.maxInFlightRequests) else {
                let limit = runtime.configuration.gateway.maxInFlightRequests
                connection.send(
                    Dispatcher.errorFrame(id: id, .unavailable("too many requests in flight on this connection (gateway.maxInFlightRequests = \(limit))", retryAfterMs: 100))
                )
                return
            }
            requests.addTask {
                defer { connection.endRequest() }
                let response = await dispatcher.handle(frame: frame, requestId: id, method: method, connection: connection)
                connection.send(response)
            }
        case "cancel":
            // v4: the client gave up on a request. Waiting requests (`agent`, `agent.wait`) stop
            // waiting; the run itself goes on (abort it with chat.abort). Others finish promptly anyway.
            if let id = header.id { connection.cancelRequest(id: id) }
            return
        default:
            let got = header.type.map { "\"\($0)\"" } ?? "none"
            connection.send(Dispatcher.errorFrame(id: header.id ?? "invalid", .invalidRequest("invalid request frame: expected type \"req\", got \(got)")))
        }
    }

    /// Authenticates, answers `hello-ok`, and announces the new client. Returns false on rejection.
    private func connect(id: String, params: ConnectParams, version: Int, nonce: String, connection: GatewayConnection, logger: Logger) async -> Bool {
        let facts = ConnectAuthenticator.Facts(
            params: params, protocolVersion: version, challengeNonce: nonce, remoteAddress: connection.remoteAddress,
            isLoopback: connection.isLoopback, nowMs: runtime.clock.nowMs()
        )
        let acceptance: ConnectAuthenticator.Acceptance
        do {
            acceptance = try await runtime.authenticator.authenticate(facts)
        } catch {
            logger.info(
                "connect rejected",
                metadata: ["sb.error.code": "\(error.error.code.rawValue)", "sb.error.detail": "\(error.error.detailCode?.rawValue ?? "")"]
            )
            connection.send(Dispatcher.errorFrame(id: id, error.error))
            connection.queue.requestClose(code: error.closeCode, reason: error.error.message)
            return false
        }
        let principal = acceptance.principal
        let presenceKey: String? =
            params.client.mode == "cli"
            ? nil : PresenceRegistry.key(deviceId: principal.deviceId, instanceId: params.client.instanceId, connectionId: connection.id)
        connection.authenticated(as: principal, protocolVersion: version, presenceKey: presenceKey)
        if let presenceKey {
            runtime.presence.upsert(key: presenceKey, entry: presenceEntry(params: params, principal: principal, connection: connection))
        }
        let hello = HelloBuilder(runtime: runtime).hello(
            protocolVersion: version, connectionId: connection.id, principal: principal, acceptance: acceptance
        )
        connection.send(Dispatcher.successFrame(id: id, hello))
        runtime.bus.subscribe(connection)
        logger.info(
            "client connected",
            metadata: [
                "sb.client.id": "\(params.client.id)", "sb.client.mode": "\(params.client.mode)", "sb.role": "\(principal.role.rawValue)",
                "sb.protocol": "\(version)", "sb.auth.method": "\(principal.method.rawValue)",
            ]
        )
        if presenceKey != nil { broadcastPresence() }
        if let deviceId = acceptance.approvedDevice {
            runtime.bus.broadcast(
                DevicePairResolvedEvent.self,
                .init(requestId: "silent-\(deviceId.prefix(12))", deviceId: deviceId, decision: "approved", ts: runtime.clock.nowMs())
            )
        }
        runtime.health.requestRefresh()
        return true
    }

    private func finish(_ connection: GatewayConnection, logger: Logger) {
        connection.queue.finish()
        runtime.bus.unsubscribe(connection)
        runtime.connections.remove(connection)
        if let key = connection.presenceKey, runtime.presence.remove(key: key) != nil {
            broadcastPresence()
        }
        if connection.principal != nil { logger.info("client disconnected") }
    }

    private func broadcastPresence() {
        runtime.presenceNotifier.changed()
    }

    private func presenceEntry(params: ConnectParams, principal: Principal, connection: GatewayConnection) -> PresenceEntry {
        var entry = PresenceEntry(ts: runtime.clock.nowMs())
        entry.host = params.client.displayName
        entry.ip = connection.remoteAddress
        entry.version = params.client.version
        entry.platform = params.client.platform
        entry.deviceFamily = params.client.deviceFamily
        entry.modelIdentifier = params.client.modelIdentifier
        entry.mode = params.client.mode
        entry.reason = "connect"
        entry.deviceId = principal.deviceId
        entry.roles = [principal.role.rawValue]
        entry.scopes = principal.scopes.map(\.rawValue)
        entry.instanceId = params.client.instanceId
        return entry
    }

    /// WebSocket close reasons are limited to 123 bytes.
    static func closeReason(_ reason: String) -> String {
        var result = ""
        for character in reason {
            if result.utf8.count + String(character).utf8.count > 123 { break }
            result.append(character)
        }
        return result
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
