import NIOCore
import Synchronization
import SwitchboardProtocol

/// JSON-RPC 2.0 over the WebSocket, so any JSON-RPC client library can drive the gateway.
///
/// - The first call is `connect` with OpenClaw's connect params (every field optional here:
///   `{"auth": {"token": …}}` is enough); its result is `hello-ok`.
/// - `{jsonrpc:"2.0", id, method, params}` (params by name) → `{jsonrpc, id, result}` or
///   `{jsonrpc, id, error: {code, message, data: {code, details, retryable, retryAfterMs}}}`.
/// - A request without `id` is a notification: it runs, and nothing answers it.
/// - A two-stage method (`agent`) first sends its acceptance as the notification
///   `rpc.accepted {id, result}`, then the final result as the response.
/// - Events arrive as notifications: `{jsonrpc, method: <event>, params: <payload>}`.
/// - Error codes: -32700 parse error, -32600 invalid request, -32601 unknown method,
///   -32602 invalid params, -32000 any other gateway error (its code in `data.code`).
final class JSONRPCDialect: DialectTranslator {
    var dialect: WireDialect { .jsonRPC }

    private struct Pending {
        var id: JSONValue
        var notification: Bool
    }

    /// Internal request id → the client's id; bounded by the connection's in-flight limit.
    private let pending = Mutex<(next: Int, byInternal: [String: Pending])>((0, [:]))
    private let connected = Atomic<Bool>(false)
    private let defaultScopes: JSONValue

    init(defaultScopes: JSONValue) { self.defaultScopes = defaultScopes }

    func inbound(_ frame: ByteBuffer) -> DialectInbound {
        guard let value = Self.decode(frame) else { return .reply(Self.error(id: .null, -32700, "parse error: not valid JSON")) }
        guard case .object(let request) = value else {
            if case .array = value { return .reply(Self.error(id: .null, -32600, "invalid request: batches are not supported; send one request per frame")) }
            return .reply(Self.error(id: .null, -32600, "invalid request: expected a JSON object"))
        }
        let id = request["id"]
        guard request["jsonrpc"] == "2.0" else { return .reply(Self.error(id: id ?? .null, -32600, "invalid request: jsonrpc must be \"2.0\"")) }
        switch id {
        case nil, .string?, .int?, .double?, .null?: break
        default: return .reply(Self.error(id: .null, -32600, "invalid request: id must be a string, a number or null"))
        }
        guard let method = request["method"]?.stringValue, !method.isEmpty else {
            // A response sent to the gateway is not a request; nothing answers it.
            if request["result"] != nil || request["error"] != nil { return .ignore }
            return .reply(Self.error(id: id ?? .null, -32600, "invalid request: method must be a non-empty string"))
        }
        var params = request["params"]
        switch params {
        case nil, .object?, .null?: break
        default: return .reply(Self.error(id: id ?? .null, -32602, "invalid params: params must be an object (by name)"))
        }
        let gatewayId = pending.withLock { state -> String in
            state.next += 1
            let key = "rpc-\(state.next)"
            state.byInternal[key] = Pending(id: id ?? .null, notification: id == nil)
            return key
        }
        if method == "connect" && !connected.load(ordering: .relaxed) {
            params = .object(connectDefaults(params?.objectValue ?? [:]))
        }
        var frame: [String: JSONValue] = ["type": "req", "id": .string(gatewayId), "method": .string(method)]
        if let params, params != .null { frame["params"] = params }
        return .frame(Self.encode(.object(frame)))
    }

    /// OpenClaw connect params with defaults for what a JSON-RPC client leaves out.
    func connectDefaults(_ given: [String: JSONValue]) -> [String: JSONValue] {
        var params = given
        if params["minProtocol"] == nil { params["minProtocol"] = .int(ProtocolVersion.minimumSupported) }
        if params["maxProtocol"] == nil { params["maxProtocol"] = .int(ProtocolVersion.current) }
        if params["scopes"] == nil { params["scopes"] = defaultScopes }
        var client = params["client"]?.objectValue ?? [:]
        if client["id"] == nil { client["id"] = "gateway-client" }
        if client["version"] == nil { client["version"] = "unknown" }
        if client["platform"] == nil { client["platform"] = "unknown" }
        if client["mode"] == nil { client["mode"] = "backend" }
        params["client"] = .object(client)
        return params
    }

    func outbound(_ frame: ByteBuffer) -> ByteBuffer? {
        guard case .object(let object)? = Self.decode(frame) else { return nil }
        switch object["type"]?.stringValue {
        case "event":
            return Self.encode(["jsonrpc": "2.0", "method": object["event"] ?? "event", "params": object["payload"] ?? .null])
        case "res":
            let key = object["id"]?.stringValue ?? ""
            let accepted = object["ok"] == true && object["payload"]?["status"] == "accepted"
            let entry = pending.withLock { state -> Pending? in accepted ? state.byInternal[key] : state.byInternal.removeValue(forKey: key) }
            guard let entry else {
                // An answer to a frame that never became a request (unreadable): JSON-RPC says id null.
                return object["ok"] == true ? nil : Self.encode(Self.errorObject(id: .null, object["error"]))
            }
            if object["ok"] == true, object["payload"]?["type"] == "hello-ok" { connected.store(true, ordering: .relaxed) }
            if entry.notification { return nil }
            if accepted {
                return Self.encode(["jsonrpc": "2.0", "method": "rpc.accepted", "params": ["id": entry.id, "result": object["payload"] ?? .null]])
            }
            if object["ok"] == true { return Self.encode(["jsonrpc": "2.0", "id": entry.id, "result": object["payload"] ?? .null]) }
            return Self.encode(Self.errorObject(id: entry.id, object["error"]))
        default:
            return nil
        }
    }

    /// A gateway error as a JSON-RPC error object, the gateway's own code in `data.code`.
    static func errorObject(id: JSONValue, _ error: JSONValue?) -> JSONValue {
        let message = error?["message"]?.stringValue ?? "request failed"
        let code: Int
        if error?["code"] == "INVALID_REQUEST" {
            if message.hasPrefix("unknown method") {
                code = -32601
            } else if message.hasPrefix("invalid params") || message.hasPrefix("invalid connect params") {
                code = -32602
            } else {
                code = -32600
            }
        } else {
            code = -32000
        }
        var data: [String: JSONValue] = ["code": error?["code"] ?? "UNAVAILABLE"]
        for key in ["details", "retryable", "retryAfterMs"] { if let value = error?[key] { data[key] = value } }
        return ["jsonrpc": "2.0", "id": id, "error": ["code": .int(code), "message": .string(message), "data": .object(data)]]
    }

    static func error(id: JSONValue, _ code: Int, _ message: String) -> ByteBuffer {
        encode(["jsonrpc": "2.0", "id": id, "error": ["code": .int(code), "message": .string(message)]])
    }
}
