public import SwitchboardProtocol

/// Why a model call failed, worded for the person who must fix it. Messages never contain
/// API keys or request bodies.
public struct ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// No provider is configured, or the model names an unknown provider.
        case notConfigured = "not_configured"
        /// 401/403: the key is missing, wrong or lacks access.
        case unauthorized
        /// 404, or a 400 that names the model: the model does not exist there.
        case invalidModel = "invalid_model"
        /// 429 after the retries were used up.
        case rateLimited = "rate_limit"
        /// 5xx after the retries were used up.
        case serverError = "server_error"
        /// Another 4xx: the provider refused the request.
        case badRequest = "bad_request"
        /// Connection refused, reset or closed mid-stream.
        case transport
        /// No byte arrived within the configured time.
        case timeout
        /// The stream was not the expected SSE/JSON.
        case badResponse = "bad_response"
        case contextLength = "context_length"
    }

    public var kind: Kind
    public var message: String
    /// HTTP status, when there was one.
    public var status: Int?
    /// Server-suggested wait, when it gave one.
    public var retryAfterMs: Int?

    public init(_ kind: Kind, _ message: String, status: Int? = nil, retryAfterMs: Int? = nil) {
        self.kind = kind
        self.message = message
        self.status = status
        self.retryAfterMs = retryAfterMs
    }

    public var description: String { message }

    /// Whether trying again later can help.
    public var isRetryable: Bool {
        switch kind {
        case .rateLimited, .serverError, .transport, .timeout: true
        default: false
        }
    }

    /// The `errorKind` of a v4 `chat` error event.
    public var chatErrorKind: String {
        switch kind {
        case .rateLimited: "rate_limit"
        case .timeout: "timeout"
        case .contextLength: "context_length"
        default: "unknown"
        }
    }

    public static func noProvider(configPath: String? = nil) -> ProviderError {
        ProviderError(
            .notConfigured,
            "no model provider is configured. Set OPENAI_API_KEY (optionally OPENAI_BASE_URL), ANTHROPIC_API_KEY, or OLLAMA_HOST "
                + "in the gateway's environment, or add models.providers.<id> {baseUrl, apiKey, api: \"openai\"|\"anthropic\", models} "
                + "and agents.defaults.model \"<provider>/<model>\" to \(configPath ?? "the config file"), then restart the gateway"
        )
    }
}

extension ProviderError: GatewayErrorConvertible {
    public var gatewayError: GatewayError {
        GatewayError(code: .unavailable, message: message, details: ["code": .string("PROVIDER_\(kind.rawValue.uppercased())")], retryable: isRetryable ? true : nil, retryAfterMs: retryAfterMs)
    }
}
