import Foundation
import Logging
import NIOCore
import NIOWebSocket
import Synchronization
import WSClient

/// One Socket Mode connection: the URL from `apps.connections.open`, `hello`, every envelope's
/// event handed on and then acknowledged (Slack resends what is not acked within 3 s),
/// and `disconnect` (Slack's refresh, about hourly) ending it so the connector opens a new one.
struct SlackSocketSession: Sendable {
    enum Ending: Sendable, Equatable {
        /// Slack asked for a new connection, or the socket dropped: open another at once.
        case reconnect
        /// The socket could not be opened or said nothing: back off first.
        case failed
    }

    let logger: Logger
    let onHello: @Sendable () -> Void
    /// Called before the envelope is acknowledged: it journals the message (quickly).
    /// Returns false when the message could not be stored: the envelope is then left unacknowledged.
    let onEvent: @Sendable (SlackEvent) async -> Bool

    func run(url: String) async -> Ending {
        let sawHello = Box()
        do {
            try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 4 * 1024 * 1024), logger: logger) { inbound, outbound, _ in
                for try await message in inbound.messages(maxSize: 4 * 1024 * 1024) {
                    guard case .text(let text) = message, let envelope = try? JSONDecoder().decode(SlackEnvelope.self, from: Data(text.utf8)) else { continue }
                    var stored = true
                    switch envelope.type {
                    case "hello":
                        sawHello.value = true
                        onHello()
                    case "disconnect":
                        logger.info("Slack asked for a new connection", metadata: ["sb.reason": "\(envelope.reason ?? "")"])
                        try await outbound.close(.normalClosure, reason: nil)
                        return
                    case "events_api":
                        if let event = envelope.payload?.event { stored = await onEvent(event) }
                    default:
                        break
                    }
                    // Acknowledged once handed on (journaled): a crash before this means Slack
                    // sends it again, and the journal knows it by its ts.
                    if stored, let id = envelope.envelopeId {
                        try await outbound.write(.text(#"{"envelope_id":"\#(id.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })"}"#))
                    }
                }
            }
        } catch {
            logger.warning("Slack socket failed", metadata: ["error": "\(type(of: error))"])
            return sawHello.value ? .reconnect : .failed
        }
        return sawHello.value ? .reconnect : .failed
    }

    /// Whether `hello` came: set by the connection's task, read after it ends.
    private final class Box: Sendable {
        private let state = Mutex(false)
        var value: Bool {
            get { state.withLock { $0 } }
            set { state.withLock { $0 = newValue } }
        }
    }
}
