import Foundation
import WSClient
import Logging
import NIOCore
import NIOSSL
import NIOWebSocket
import Synchronization
import SwitchboardProtocol

extension GatewayClient {
    enum SessionOutcome: Sendable {
        case closed(code: Int?, reason: String?)
        case failed(GatewayClientError)
        case rejected(GatewayError)
        /// Refused on this side for good (TLS: a certificate that is not the pinned one, or not trusted).
        case refused(GatewayClientError)
    }

    /// One socket: challenge → connect → hello-ok → read until it closes.
    func runSession(onConnected: @escaping @Sendable () -> Void) async -> SessionOutcome {
        let rejection = RejectionBox()
        let verdict = GatewaySocketChannel.PinVerdict()
        let connection: ClientConnection<GatewaySocketChannel>
        do {
            let channel = try GatewaySocketChannel(
                url: configuration.url, pinned: configuration.tlsFingerprint, maxFrameSize: configuration.maxMessageSize, closeTimeout: .seconds(5),
                verdict: verdict
            ) { inbound, outbound, _ in
                try await self.session(inbound: inbound, outbound: outbound, rejection: rejection, onConnected: onConnected)
            }
            connection = ClientConnection(channel, address: .hostname(channel.target.host, port: channel.target.port), logger: logger)
        } catch {
            return .refused(error)
        }
        do {
            let close = try await connection.run()
            if let error = rejection.error { return .rejected(error) }
            if let local = state.withLock({ $0.localClose.take() }) { return .closed(code: local.code, reason: local.reason) }
            return .closed(code: close.map { Int(UInt16(webSocketErrorCode: $0.closeCode)) }, reason: close?.reason)
        } catch {
            if let error = rejection.error { return .rejected(error) }
            if let mismatch = verdict.mismatch.withLock({ $0 }) { return .refused(mismatch) }
            if let refusal = Self.tlsRefusal(error, url: configuration.url) { return .refused(refusal) }
            if let error = error as? GatewayClientError { return .failed(error) }
            return .failed(GatewayClientError(.unreachable, "cannot reach the gateway at \(configuration.url) (\(Self.describe(error)))"))
        }
    }

    private func session(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, rejection: RejectionBox, onConnected: @escaping @Sendable () -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await Task.sleep(for: self.configuration.connectTimeout)
                if self.state.withLock({ $0.outbound == nil }) {
                    try? await outbound.close(.goingAway, reason: "connect timeout")
                }
            }
            var connectId: String?
            for try await message in inbound.messages(maxSize: configuration.maxMessageSize) {
                let data: Data
                switch message {
                case .text(let text): data = Data(text.utf8)
                case .binary(let buffer): data = Data(buffer.readableBytesView)
                }
                guard let header = try? GatewayJSON.decoder.decode(FrameHeader.self, from: data) else { continue }
                switch header.type {
                case "event":
                    if header.event == ConnectChallengeEvent.name, connectId == nil {
                        connectId = try await sendConnect(challengeFrame: data, outbound: outbound)
                    } else if let frame = try? GatewayJSON.decoder.decode(AnyEventFrame.self, from: data) {
                        received(frame, outbound: outbound, group: &group)
                    }
                case "res":
                    guard let id = header.id else { continue }
                    if id == connectId, state.withLock({ $0.outbound == nil }) {
                        if try handleHello(data, outbound: outbound, rejection: rejection) {
                            onConnected()
                            startTickWatchdog(outbound: outbound, group: &group)
                        }
                    } else {
                        // A two-stage method's interim `accepted` is skipped when the caller waits for the final answer.
                        let interim = state.withLock { $0.expectFinal.contains(id) } && Self.isAccepted(data)
                        if interim { continue }
                        let pending = state.withLock { state in
                            state.expectFinal.remove(id)
                            return state.pending.removeValue(forKey: id)
                        }
                        pending?.fulfill(data)
                    }
                default:
                    continue
                }
            }
            group.cancelAll()
        }
    }

    /// Answers the challenge with `connect`, signing it when a device identity is configured.
    private func sendConnect(challengeFrame: Data, outbound: WebSocketOutboundWriter) async throws -> String {
        let frame = try GatewayJSON.decoder.decode(EventFrame<ConnectChallenge>.self, from: challengeFrame)
        guard let challenge = frame.payload else { throw GatewayClientError(.invalidResponse, "connect.challenge without a nonce") }
        let deviceToken = state.withLock { $0.deviceToken }
        var params = ConnectParams(
            minProtocol: configuration.minProtocol, maxProtocol: configuration.maxProtocol, client: configuration.client,
            caps: configuration.caps, role: configuration.role, scopes: configuration.scopes
        )
        if configuration.role == .node {
            params.commands = configuration.commands
            params.permissions = configuration.permissions.isEmpty ? nil : configuration.permissions
        }
        if configuration.token != nil || configuration.password != nil || deviceToken != nil {
            params.auth = ConnectAuth(token: configuration.token, password: configuration.password, deviceToken: deviceToken)
        }
        if let identity = configuration.deviceIdentity {
            // Newest clients sign with the challenge's own timestamp, so clock skew cannot bite.
            params.device = try identity.proof(
                version: configuration.signatureVersion, params: params, nonce: challenge.nonce, signedAtMs: challenge.ts
            )
        }
        let id = "connect-\(UUID().uuidString.prefix(8).lowercased())"
        try await outbound.write(.text(GatewayJSON.string(RequestFrame(id: id, method: "connect", params: params))))
        return id
    }

    /// Returns true once connected; records a rejection otherwise.
    private func handleHello(_ data: Data, outbound: WebSocketOutboundWriter, rejection: RejectionBox) throws -> Bool {
        let response = try GatewayJSON.decoder.decode(ResponseFrame<HelloOK>.self, from: data)
        guard response.ok, let hello = response.payload else {
            let error = response.error ?? GatewayError.invalidRequest("connect failed")
            rejection.error = error
            eventContinuation.yield(.rejected(error))
            return false
        }
        if let token = hello.auth?.deviceToken {
            configuration.onDeviceToken?(token)
        }
        let waiters = state.withLock { state in
            state.outbound = outbound
            state.hello = hello
            state.lastSeq = nil
            state.lastTick = .now
            if let token = hello.auth?.deviceToken { state.deviceToken = token }
            defer { state.connectWaiters = [:] }
            return Array(state.connectWaiters.values)
        }
        for waiter in waiters { waiter.resume(returning: hello) }
        eventContinuation.yield(.connected(hello))
        return true
    }

    private func received(_ frame: AnyEventFrame, outbound: WebSocketOutboundWriter, group: inout ThrowingTaskGroup<Void, any Error>) {
        let gap: (Int, Int)? = state.withLock { state in
            if frame.event == TickEvent.name { state.lastTick = .now }
            guard let seq = frame.seq else { return nil }
            defer { state.lastSeq = seq }
            if let last = state.lastSeq, seq > last + 1 { return (last + 1, seq) }
            return nil
        }
        if let (expected, received) = gap { eventContinuation.yield(.seqGap(expected: expected, received: received)) }
        eventContinuation.yield(.event(frame))
    }

    /// Closes with 4000 when no `tick` arrives for 2 × `tickIntervalMs` (the TS client's rule).
    private func startTickWatchdog(outbound: WebSocketOutboundWriter, group: inout ThrowingTaskGroup<Void, any Error>) {
        let interval = state.withLock { $0.hello?.policy.tickIntervalMs } ?? 30_000
        group.addTask {
            while true {
                try await Task.sleep(for: .milliseconds(max(interval / 2, 25)))
                let silent = self.state.withLock { ContinuousClock.now - $0.lastTick }
                if silent > .milliseconds(2 * interval) {
                    self.logger.info("no tick from the gateway; reconnecting", metadata: ["sb.tick.interval.ms": "\(interval)"])
                    self.state.withLock { $0.localClose = (4000, "tick timeout") }
                    try? await outbound.close(WebSocketErrorCode(codeNumber: 4000), reason: "tick timeout")
                    return
                }
            }
        }
    }

    /// Clears the connection; returns true when the client must not reconnect.
    func disconnect(_ outcome: SessionOutcome) -> Bool {
        let (pending, wasConnected) = state.withLock { state in
            defer {
                state.pending = [:]
                state.expectFinal = []
                state.outbound = nil
                state.hello = nil
            }
            return (Array(state.pending.values), state.outbound != nil)
        }
        for request in pending { request.fail(GatewayClientError(.disconnected, "connection to the gateway closed")) }
        switch outcome {
        case .closed(let code, let reason):
            if wasConnected { eventContinuation.yield(.disconnected(code: code, reason: reason)) }
            return false
        case .failed(let error):
            logger.debug("connection failed", metadata: ["error": "\(error.message)"])
            if !configuration.reconnect { stop(error) }
            return false
        case .refused(let error):
            stop(error)
            return true
        case .rejected(let error):
            if error.retryable == true { return false }
            stop(GatewayClientError(.connectRejected, "the gateway refused the connection", gatewayError: error))
            return true
        }
    }

    static func describe(_ error: any Error) -> String {
        if let io = error as? IOError { return io.description }
        return String(describing: error)
    }

    /// A TLS handshake that failed on the certificate: retrying cannot help, so it is said plainly.
    static func tlsRefusal(_ error: any Error, url: String) -> GatewayClientError? {
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate verify failed") {
            return GatewayClientError(
                .tlsUntrusted,
                "the gateway's TLS certificate at \(url) is not trusted (self-signed?); pin it with --tls-fingerprint "
                    + "(the fingerprint is in `switchboard status` and the log on the gateway host)"
            )
        }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("wrong version number") {
            return GatewayClientError(.unreachable, "the gateway at \(url) does not speak TLS; use ws:// (or turn on gateway.tls)")
        }
        return nil
    }
}

/// Carries a connect rejection out of the socket handler.
extension GatewayClient {
    /// True for an ok `res` whose payload says `status: "accepted"` (the first of two).
    static func isAccepted(_ data: Data) -> Bool {
        guard let frame = try? GatewayJSON.decoder.decode(AnyResponseFrame.self, from: data) else { return false }
        return frame.ok && frame.payload?["status"] == "accepted"
    }
}

final class RejectionBox: @unchecked Sendable {
    // Written once by the session's reader before the socket closes; read after `run()` returns.
    private let lock = NSLock()
    private var stored: GatewayError?
    var error: GatewayError? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
