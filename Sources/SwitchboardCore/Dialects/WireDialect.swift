import Foundation
import NIOCore
import SwitchboardProtocol

/// The wire dialects a socket on `/` may speak, chosen by its first frame (the seeds' protocols,
/// all mapped onto the same methods and events, with the same auth, scopes and limits):
///
/// - OpenClaw v3/v4 `req`/`res`/`event` (the default; no translation at all);
/// - the 2025-12 target-state handshake: `hello` → `hello-ok` / `hello-error`, then `req`/`res`/`event`;
/// - the daemon extraction's `connect` → `hello_ok`, `request` → `response {final}`, `event {params}`;
/// - JSON-RPC 2.0: requests and responses, events as notifications.
enum WireDialect: String, Sendable {
    case openClaw = "openclaw"
    case hello
    case daemon
    case jsonRPC = "jsonrpc"

    /// The dialect a first frame speaks; OpenClaw for anything else (which then gets OpenClaw's errors).
    static func of(firstFrame envelope: FrameEnvelope) -> WireDialect {
        if envelope.jsonrpc != nil { return .jsonRPC }
        switch envelope.type {
        case "hello": return .hello
        case "connect": return .daemon
        default: return .openClaw
        }
    }

    /// A translator for this dialect; nil for OpenClaw's own frames. `browser`: a page opened
    /// the socket, so a client that names no scopes asks for what a page may hold.
    func makeTranslator(browser: Bool) -> (any DialectTranslator)? {
        let scopes = Self.defaultScopes(browser: browser)
        switch self {
        case .openClaw: return nil
        case .hello: return HelloDialect(defaultScopes: scopes)
        case .daemon: return DaemonDialect(defaultScopes: scopes)
        case .jsonRPC: return JSONRPCDialect(defaultScopes: scopes)
        }
    }

    /// What a dialect's client that names no scopes asks for: what the CLI asks for (a page:
    /// what a deviceless page may hold). Without scopes an operator would be granted none; the
    /// gateway still grants only what the credentials and the origin allow.
    static func defaultScopes(browser: Bool) -> JSONValue {
        .array((browser ? BrowserScopes.defaults : OperatorScope.cliDefaults).map { .string($0.rawValue) })
    }
}

/// What a client frame in some dialect asks of the gateway.
enum DialectInbound: Sendable {
    /// The same request as an OpenClaw frame (`req`, the handshake as `connect`).
    case frame(ByteBuffer)
    /// An answer in the dialect's own shape (the frame was not valid in it); nothing runs.
    case reply(ByteBuffer)
    /// Nothing to do or answer (a JSON-RPC response sent to the gateway, say).
    case ignore
}

/// Maps one socket's frames between a dialect and OpenClaw's shapes, which the gateway speaks
/// internally. Inbound calls come from the socket's event loop; outbound ones from any task.
protocol DialectTranslator: Sendable {
    var dialect: WireDialect { get }
    func inbound(_ frame: ByteBuffer) -> DialectInbound
    /// A frame in OpenClaw's shape → this dialect's; nil drops it.
    func outbound(_ frame: ByteBuffer) -> ByteBuffer?
}

extension DialectTranslator {
    /// The id the gateway gives a dialect's handshake request, so its response can be found.
    static var handshakeId: String { "\u{1}handshake" }

    static func decode(_ frame: ByteBuffer) -> JSONValue? {
        try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(frame.readableBytesView))
    }

    static func encode(_ value: JSONValue) -> ByteBuffer {
        ByteBuffer(string: GatewayJSON.string(value))
    }

    /// OpenClaw `connect` params from a dialect's handshake fields, with defaults for the rest.
    static func connectRequest(_ params: [String: JSONValue]) -> ByteBuffer {
        encode(["type": "req", "id": .string(handshakeId), "method": "connect", "params": .object(params)])
    }
}
