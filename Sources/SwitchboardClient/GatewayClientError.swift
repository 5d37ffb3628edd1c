public import SwitchboardProtocol

/// Why a client call or connect failed. A struct with an open set of codes, so new cases
/// never break callers (the async-http-client idiom).
public struct GatewayClientError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let rawValue: String
        public var description: String { rawValue }

        /// The gateway refused `connect` (auth, pairing, protocol); see ``gatewayError``.
        public static let connectRejected = Code(rawValue: "connectRejected")
        /// The gateway answered the request with an error; see ``gatewayError``.
        public static let requestFailed = Code(rawValue: "requestFailed")
        public static let timeout = Code(rawValue: "timeout")
        /// The socket closed while the request was pending.
        public static let disconnected = Code(rawValue: "disconnected")
        /// No socket could be opened.
        public static let unreachable = Code(rawValue: "unreachable")
        public static let invalidResponse = Code(rawValue: "invalidResponse")
        /// The gateway's TLS certificate does not have the pinned fingerprint.
        public static let tlsFingerprintMismatch = Code(rawValue: "tlsFingerprintMismatch")
        /// The gateway's TLS certificate is not trusted (self-signed and not pinned, expired, another name).
        public static let tlsUntrusted = Code(rawValue: "tlsUntrusted")
        /// The client was shut down.
        public static let closed = Code(rawValue: "closed")
    }

    public var code: Code
    public var message: String
    public var gatewayError: GatewayError?

    public init(_ code: Code, _ message: String, gatewayError: GatewayError? = nil) {
        self.code = code
        self.message = message
        self.gatewayError = gatewayError
    }

    public var description: String {
        if let gatewayError { return "\(message): \(gatewayError.code.rawValue): \(gatewayError.message)" }
        return message
    }
}
