import NIOCore
import Synchronization
import SwitchboardProtocol

/// The 2025-12 target-state handshake: the client's first frame is
/// `{type:"hello", minProtocol, maxProtocol, client:{name,version,platform,mode,instanceId}, caps, auth?}`;
/// the gateway answers `hello-ok {protocol, server, features, snapshot, policy}` as the frame
/// itself, or `hello-error {reason, expectedProtocol, minClient}` and closes. After that the
/// frames are OpenClaw's `req`/`res`/`event` unchanged.
final class HelloDialect: DialectTranslator {
    var dialect: WireDialect { .hello }
    /// Set once the handshake was answered: from then on frames pass through untouched.
    private let answered = Atomic<Bool>(false)
    private let defaultScopes: JSONValue

    init(defaultScopes: JSONValue) { self.defaultScopes = defaultScopes }

    func inbound(_ frame: ByteBuffer) -> DialectInbound {
        guard case .object(let hello)? = Self.decode(frame), hello["type"] == "hello" else { return .frame(frame) }
        var params: [String: JSONValue] = [:]
        for key in ["minProtocol", "maxProtocol", "caps", "auth", "locale", "userAgent", "role", "scopes", "commands", "permissions"] {
            if let value = hello[key] { params[key] = value }
        }
        var client = hello["client"]?.objectValue ?? [:]
        // The target state names the client `name`; OpenClaw calls it `id`.
        if client["id"] == nil { client["id"] = client["name"] ?? "gateway-client" }
        client["name"] = nil
        if client["version"] == nil { client["version"] = "unknown" }
        if client["platform"] == nil { client["platform"] = "unknown" }
        if let mode = client["mode"]?.stringValue, !ClientInfo.modes.contains(mode) { client["mode"] = "ui" }
        if client["mode"] == nil { client["mode"] = "ui" }
        params["client"] = .object(client)
        // The target state had no scopes; its clients could call every method.
        if params["scopes"] == nil { params["scopes"] = defaultScopes }
        return .frame(Self.connectRequest(params))
    }

    func outbound(_ frame: ByteBuffer) -> ByteBuffer? {
        // Only the handshake's answer changes shape; everything after is OpenClaw's.
        if answered.load(ordering: .relaxed) { return frame }
        guard case .object(let response)? = Self.decode(frame), response["type"] == "res", response["id"]?.stringValue == Self.handshakeId else {
            return frame
        }
        answered.store(true, ordering: .relaxed)
        if response["ok"] == true, let hello = response["payload"] { return Self.encode(hello) }
        let error = response["error"]
        let details = error?["details"]
        return Self.encode([
            "type": "hello-error",
            "reason": error?["message"] ?? "handshake refused",
            "code": error?["code"] ?? "INVALID_REQUEST",
            "details": details ?? .null,
            "expectedProtocol": details?["expectedProtocol"] ?? .int(ProtocolVersion.current),
            "minClient": details?["minimumProtocol"] ?? .int(ProtocolVersion.minimumSupported),
        ])
    }
}
