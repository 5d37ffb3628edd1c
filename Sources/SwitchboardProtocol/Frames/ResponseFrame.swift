/// `{type:"res", id, ok, payload?, error?}` (§2.2). A failed response may still carry a payload.
public struct ResponseFrame<Payload: Codable & Sendable>: Codable, Sendable {
    public var id: String
    public var ok: Bool
    public var payload: Payload?
    public var error: GatewayError?

    public init(id: String, ok: Bool, payload: Payload?, error: GatewayError?) {
        self.id = id
        self.ok = ok
        self.payload = payload
        self.error = error
    }

    public static func success(id: String, _ payload: Payload) -> ResponseFrame {
        ResponseFrame(id: id, ok: true, payload: payload, error: nil)
    }

    public static func failure(id: String, _ error: GatewayError, payload: Payload? = nil) -> ResponseFrame {
        ResponseFrame(id: id, ok: false, payload: payload, error: error)
    }

    enum CodingKeys: String, CodingKey { case type, id, ok, payload, error }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        ok = try container.decode(Bool.self, forKey: .ok)
        payload = try container.decodeIfPresent(Payload.self, forKey: .payload)
        error = try container.decodeIfPresent(GatewayError.self, forKey: .error)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("res", forKey: .type)
        try container.encode(id, forKey: .id)
        try container.encode(ok, forKey: .ok)
        try container.encodeIfPresent(payload, forKey: .payload)
        try container.encodeIfPresent(error, forKey: .error)
    }
}

/// A response whose payload is kept as open JSON (clients, CLI `call`).
public typealias AnyResponseFrame = ResponseFrame<JSONValue>
