import Foundation
import Logging
import NIOCore
import Synchronization
import NIOWebSocket
import WSClient

/// One connection to Discord's gateway: Hello, heartbeats at the interval it gives (the first
/// after a random share of it, as Discord asks) with an ACK watchdog, Identify or Resume, and
/// dispatches handed to the connector. Returns how it ended, which decides the next connection.
struct DiscordGatewaySession: Sendable {
    /// What the next connection should do.
    enum Ending: Sendable, Equatable {
        /// Resume the session (a drop, op 7, a missed ACK, a resumable op 9).
        case resume
        /// Start a new session (op 9 not resumable, or a close that ends the session).
        case identify
        /// Stop trying: the token or the intents were refused (close 4004, 4010–4014).
        case fatal(String)
    }

    /// What survives from one connection to the next, and (stored with each journaled
    /// message) from one process to the next, so a restart resumes and misses nothing.
    struct Resumable: Codable, Sendable, Equatable {
        var sessionId: String
        var resumeURL: String
        var sequence: Int?
        /// The bot's own user from READY (a resume gets no READY).
        var user: DiscordUser?

        var encoded: String { String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self) }
        static func decode(_ text: String?) -> Resumable? { text.flatMap { try? JSONDecoder().decode(Resumable.self, from: Data($0.utf8)) } }
    }

    let settings: DiscordSettings
    let logger: Logger
    /// Called for `READY` and `RESUMED` (the bot's own user), and every `MESSAGE_CREATE` with the
    /// session as it stands after it, in order.
    let onReady: @Sendable (DiscordUser) async -> Void
    let onMessage: @Sendable (DiscordMessage, Resumable?) async -> Void
    /// The ACK watchdog closes with this code (not 1000/1001, which would end the session).
    static let zombieCloseCode = 4900

    private final class State: Sendable {
        struct Values {
            var resumable: Resumable?
            var acked = true
            var ending: Ending?
        }
        let values: Mutex<Values>
        init(_ resumable: Resumable?) { values = Mutex(Values(resumable: resumable)) }
    }

    /// Runs one connection; `resume` carries the previous session, if any. Returns the ending
    /// and the session to resume next time.
    func run(resume: Resumable?) async -> (Ending, Resumable?) {
        let state = State(resume)
        let url = resume.map { Self.withQuery($0.resumeURL) } ?? settings.gatewayURL
        let configuration = WebSocketClientConfiguration(maxFrameSize: 16 * 1024 * 1024)
        let closeFrame: WebSocketCloseFrame?
        do {
            closeFrame = try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, outbound, _ in
                try await self.converse(inbound: inbound, outbound: outbound, state: state)
            }
        } catch {
            let resumable = state.values.withLock { $0.resumable }
            logger.warning("Discord gateway connection failed", metadata: ["error": "\(type(of: error))"])
            return (resumable == nil ? .identify : .resume, resumable)
        }
        let (ending, resumable) = state.values.withLock { ($0.ending, $0.resumable) }
        if let ending { return (ending, ending == .identify ? nil : resumable) }
        let code = closeFrame.map { Int(UInt16(webSocketErrorCode: $0.closeCode)) }
        switch code {
        case 4004: return (.fatal("Discord refused the bot token (close 4004): check channels.discord.botToken or DISCORD_BOT_TOKEN"), nil)
        case 4014: return (.fatal("Discord refused the intents (close 4014): enable the Message Content intent on the bot's page in the developer portal"), nil)
        case 4010, 4011, 4012, 4013: return (.fatal("Discord closed the gateway with \(code ?? 0) (\(closeFrame?.reason ?? "no reason")); it will not be retried"), nil)
        case 4007, 4009: return (.identify, nil)
        default: return (resumable == nil ? .identify : .resume, resumable)
        }
    }

    private func converse(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, state: State) async throws {
        var messages = inbound.messages(maxSize: 16 * 1024 * 1024).makeAsyncIterator()
        guard let first = try await messages.next(), let hello = try? Self.decode(DiscordHello.self, first), hello.d.heartbeatInterval > 0 else {
            try await outbound.close(.protocolError, reason: "expected Hello")
            return
        }
        let interval = hello.d.heartbeatInterval
        if let resume = state.values.withLock({ $0.resumable }) {
            let sequence: Any = resume.sequence.map { $0 as Any } ?? NSNull()
            try await send(outbound, op: .resume, ["token": settings.botToken, "session_id": resume.sessionId, "seq": sequence])
        } else {
            try await send(
                outbound, op: .identify,
                [
                    "token": settings.botToken, "intents": DiscordSettings.intents,
                    "properties": ["os": "linux", "browser": "switchboard", "device": "switchboard"],
                ]
            )
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.heartbeat(outbound, interval: interval, state: state) }
            // Frames are read here until the socket ends (the watchdog closing it ends it too).
            defer { group.cancelAll() }
            do {
                while let message = try await messages.next() {
                    guard try await self.handle(message, outbound: outbound, state: state) else { break }
                }
            } catch where Task.isCancelled {
                // A stop: close so the session stays resumable (1000 would end it), and the
                // next start resumes from the stored sequence.
                try? await outbound.close(WebSocketErrorCode(codeNumber: Self.zombieCloseCode), reason: "restarting")
                throw error
            }
            if Task.isCancelled { try? await outbound.close(WebSocketErrorCode(codeNumber: Self.zombieCloseCode), reason: "restarting") }
        }
    }

    /// Heartbeats until cancelled; a heartbeat with the previous one unacknowledged means the
    /// connection is a zombie: close it so the session resumes on a new one.
    private func heartbeat(_ outbound: WebSocketOutboundWriter, interval: Int, state: State) async throws {
        try await Task.sleep(for: .milliseconds(Int.random(in: 0...interval)))
        while true {
            let acked = state.values.withLock { values in
                defer { values.acked = false }
                return values.acked
            }
            guard acked else {
                logger.warning("Discord gateway missed a heartbeat ACK; reconnecting")
                state.values.withLock { $0.ending = $0.ending ?? .resume }
                try await outbound.close(WebSocketErrorCode(codeNumber: Self.zombieCloseCode), reason: "heartbeat ACK missed")
                return
            }
            try await sendHeartbeat(outbound, state: state)
            try await Task.sleep(for: .milliseconds(interval))
        }
    }

    private func sendHeartbeat(_ outbound: WebSocketOutboundWriter, state: State) async throws {
        let sequence = state.values.withLock { $0.resumable?.sequence }
        try await outbound.write(.text(#"{"op":1,"d":\#(sequence.map(String.init) ?? "null")}"#))
    }

    /// One gateway frame; false when the connection should end.
    private func handle(_ message: WebSocketMessage, outbound: WebSocketOutboundWriter, state: State) async throws -> Bool {
        guard let frame = try? Self.decode(DiscordFrame.self, message), let op = DiscordOpcode(rawValue: frame.op) else { return true }
        switch op {
        case .dispatch:
            if let sequence = frame.s { state.values.withLock { $0.resumable?.sequence = sequence } }
            switch frame.t {
            case "READY":
                guard let ready = try? Self.decode(DiscordReady.self, message) else { return true }
                state.values.withLock {
                    $0.resumable = Resumable(
                        sessionId: ready.d.sessionId, resumeURL: ready.d.resumeGatewayURL ?? settings.gatewayURL, sequence: frame.s, user: ready.d.user)
                }
                await onReady(ready.d.user)
            case "RESUMED":
                logger.info("Discord gateway session resumed")
                if let user = state.values.withLock({ $0.resumable?.user }) { await onReady(user) }
            case "MESSAGE_CREATE":
                if let created = try? Self.decode(DiscordMessageCreate.self, message) { await onMessage(created.d, state.values.withLock { $0.resumable }) }
            default:
                break
            }
        case .heartbeat:
            try await sendHeartbeat(outbound, state: state)
        case .heartbeatAck:
            state.values.withLock { $0.acked = true }
        case .reconnect:
            state.values.withLock { $0.ending = .resume }
            try await outbound.close(WebSocketErrorCode(codeNumber: Self.zombieCloseCode), reason: "reconnect requested")
            return false
        case .invalidSession:
            let resumable = (try? Self.decode(DiscordInvalidSession.self, message))?.d ?? false
            state.values.withLock { $0.ending = resumable ? .resume : .identify }
            try await outbound.close(WebSocketErrorCode(codeNumber: Self.zombieCloseCode), reason: "invalid session")
            return false
        case .hello, .identify, .resume:
            break
        }
        return true
    }

    private func send(_ outbound: WebSocketOutboundWriter, op: DiscordOpcode, _ data: [String: Any]) async throws {
        let payload = try JSONSerialization.data(withJSONObject: ["op": op.rawValue, "d": data])
        try await outbound.write(.text(String(decoding: payload, as: UTF8.self)))
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ message: WebSocketMessage) throws -> T {
        switch message {
        case .text(let text): return try JSONDecoder().decode(type, from: Data(text.utf8))
        case .binary(let buffer): return try JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
        }
    }

    /// `resume_gateway_url` comes without the version and encoding; they are added back.
    static func withQuery(_ url: String) -> String {
        url.contains("?") ? url : (url.hasSuffix("/") ? url : url + "/") + "?v=10&encoding=json"
    }
}
