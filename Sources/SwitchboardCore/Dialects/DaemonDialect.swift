import NIOCore
import SwitchboardProtocol

/// The daemon extraction's frames: `{type:"connect", protocolVersion, clientName, clientVersion,
/// mode, role, auth, deviceIdentity}` (flat, or under `params`) → `{type:"hello_ok",
/// protocolVersion, gatewayVersion, sessionId}`; `{type:"request", requestId, method, params}` →
/// `{type:"response", requestId, final, result|error}` (a two-stage method answers `final:false`
/// with its acceptance first); events as `{type:"event", event, params}`.
///
/// `deviceIdentity` there carries no signature, so it cannot prove a device: such clients
/// authenticate with the token or password only (as OpenClaw clients without a device do).
struct DaemonDialect: DialectTranslator {
    var dialect: WireDialect { .daemon }
    let defaultScopes: JSONValue

    func inbound(_ frame: ByteBuffer) -> DialectInbound {
        guard case .object(let object)? = Self.decode(frame) else {
            return .reply(Self.error(requestId: .null, "INVALID_REQUEST", "invalid frame: expected a JSON object"))
        }
        switch object["type"]?.stringValue {
        case "connect":
            let fields = object["params"]?.objectValue ?? object
            return .frame(Self.connectRequest(connectParams(fields)))
        case "request":
            guard let requestId = object["requestId"]?.stringValue, !requestId.isEmpty else {
                return .reply(Self.error(requestId: object["requestId"] ?? .null, "INVALID_REQUEST", "request.requestId: required non-empty string"))
            }
            guard let method = object["method"]?.stringValue, !method.isEmpty else {
                return .reply(Self.error(requestId: .string(requestId), "INVALID_REQUEST", "request.method: required non-empty string"))
            }
            var request: [String: JSONValue] = ["type": "req", "id": .string(requestId), "method": .string(method)]
            if let params = object["params"] { request["params"] = params }
            return .frame(Self.encode(.object(request)))
        default:
            let type = object["type"]?.stringValue.map { "\"\($0.prefix(32))\"" } ?? "none"
            return .reply(Self.error(requestId: object["requestId"] ?? .null, "INVALID_REQUEST", "invalid frame: expected type \"request\", got \(type)"))
        }
    }

    /// OpenClaw connect params for the daemon's fields: its single protocol number is taken
    /// when the gateway speaks it, else the gateway's own range is offered.
    func connectParams(_ fields: [String: JSONValue]) -> [String: JSONValue] {
        var range = (ProtocolVersion.minimumSupported, ProtocolVersion.current)
        if let version = fields["protocolVersion"]?.intValue, (ProtocolVersion.minimumSupported...ProtocolVersion.current).contains(version) {
            range = (version, version)
        }
        var params: [String: JSONValue] = [
            "minProtocol": .int(range.0), "maxProtocol": .int(range.1),
            "client": [
                "id": fields["clientName"] ?? "gateway-client", "version": fields["clientVersion"] ?? "unknown",
                "platform": fields["platform"] ?? "unknown", "mode": "cli",
            ],
        ]
        if let role = fields["role"] { params["role"] = role }
        if let auth = fields["auth"] { params["auth"] = auth }
        // `mode: "readonly"` asks for read access only.
        params["scopes"] = fields["mode"] == "readonly" ? ["operator.read"] : defaultScopes
        return params
    }

    func outbound(_ frame: ByteBuffer) -> ByteBuffer? {
        guard case .object(let object)? = Self.decode(frame) else { return frame }
        switch object["type"]?.stringValue {
        case "res":
            let id = object["id"] ?? .null
            if id.stringValue == Self.handshakeId {
                guard object["ok"] == true, let hello = object["payload"] else {
                    return Self.encode(["type": "response", "requestId": .null, "final": true, "error": object["error"] ?? .null])
                }
                return Self.encode([
                    "type": "hello_ok", "protocolVersion": hello["protocol"] ?? .null, "gatewayVersion": hello["server"]?["version"] ?? .null,
                    "sessionId": hello["server"]?["connId"] ?? .null,
                ])
            }
            var response: [String: JSONValue] = ["type": "response", "requestId": id]
            if object["ok"] == true {
                response["result"] = object["payload"] ?? .null
                response["final"] = .bool(object["payload"]?["status"] != "accepted")
            } else {
                response["error"] = object["error"] ?? .null
                response["final"] = true
            }
            return Self.encode(.object(response))
        case "event":
            var event: [String: JSONValue] = ["type": "event", "event": object["event"] ?? .null, "params": object["payload"] ?? .null]
            if let seq = object["seq"] { event["seq"] = seq }
            return Self.encode(.object(event))
        default:
            return frame
        }
    }

    static func error(requestId: JSONValue, _ code: String, _ message: String) -> ByteBuffer {
        encode(["type": "response", "requestId": requestId, "final": true, "error": ["code": .string(code), "message": .string(message)]])
    }
}
