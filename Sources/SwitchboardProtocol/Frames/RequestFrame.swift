/// `{type:"req", id, method, params?}` (§2.2); generic over the params so a typed client
/// encodes in one pass.
public struct RequestFrame<Params: Encodable & Sendable>: Encodable, Sendable {
    public var id: String
    public var method: String
    public var params: Params?

    public init(id: String, method: String, params: Params?) {
        self.id = id
        self.method = method
        self.params = params
    }

    enum CodingKeys: String, CodingKey { case type, id, method, params }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("req", forKey: .type)
        try container.encode(id, forKey: .id)
        try container.encode(method, forKey: .method)
        try container.encodeIfPresent(params, forKey: .params)
    }
}

/// The first look at an inbound frame on the client: the discriminator and addressing fields.
/// (The gateway reads frames with ``FrameEnvelope``, which also finds where `params` lie.)
public struct FrameHeader: Decodable, Sendable {
    public var type: String?
    public var id: String?
    public var method: String?
    public var event: String?

    enum CodingKeys: String, CodingKey { case type, id, method, event }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try? container.decodeIfPresent(String.self, forKey: .type)
        id = try? container.decodeIfPresent(String.self, forKey: .id)
        method = try? container.decodeIfPresent(String.self, forKey: .method)
        event = try? container.decodeIfPresent(String.self, forKey: .event)
    }
}

/// `{type:"cancel", id}` (v4): the client gave up on request `id`.
public struct CancelFrame: Codable, Sendable, Hashable {
    public var type: String = "cancel"
    public var id: String
    public init(id: String) { self.id = id }
}
