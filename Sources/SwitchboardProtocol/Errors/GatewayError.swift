/// The wire error shape `{code, message, details?, retryable?, retryAfterMs?}` (§2.3).
///
/// It is also a Swift `Error`, so handlers throw it and the dispatcher sends it as is.
public struct GatewayError: Error, Codable, Sendable, Hashable {
    public var code: GatewayErrorCode
    public var message: String
    public var details: JSONValue?
    public var retryable: Bool?
    public var retryAfterMs: Int?

    public init(
        code: GatewayErrorCode,
        message: String,
        details: JSONValue? = nil,
        retryable: Bool? = nil,
        retryAfterMs: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.details = details
        self.retryable = retryable
        self.retryAfterMs = retryAfterMs
    }

    /// The `details.code` string, when present.
    public var detailCode: GatewayDetailCode? {
        details?["code"]?.stringValue.map(GatewayDetailCode.init(rawValue:))
    }

    public static func invalidRequest(_ message: String, details: JSONValue? = nil) -> GatewayError {
        GatewayError(code: .invalidRequest, message: message, details: details)
    }

    public static func unavailable(_ message: String, retryAfterMs: Int? = nil) -> GatewayError {
        GatewayError(code: .unavailable, message: message, retryable: true, retryAfterMs: retryAfterMs)
    }
}

extension GatewayError: JSONSchemaDescribable {
    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("code", .string(), required: true),
            .init("message", .string(), required: true),
            .init("details", .any()),
            .init("retryable", .boolean()),
            .init("retryAfterMs", .integer(minimum: 0))
        )
    }
}

extension GatewayError: CustomStringConvertible {
    public var description: String { "\(code.rawValue): \(message)" }
}

/// Domain errors that know their wire form, like Hummingbird's `HTTPResponseError`.
public protocol GatewayErrorConvertible: Error {
    var gatewayError: GatewayError { get }
}
