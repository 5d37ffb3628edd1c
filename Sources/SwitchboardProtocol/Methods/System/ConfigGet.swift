/// `config.get` (admin): the config file as loaded, secrets redacted, with the content
/// `hash` used for optimistic concurrency by later writes (§5.6).
public enum ConfigGet: GatewayMethod {
    public static let name = "config.get"
    public static let summary = "The config file, redacted, with its hash."

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var path: String
        public var exists: Bool
        public var valid: Bool
        /// The file's content with secrets replaced by `"__REDACTED__"`.
        public var config: JSONValue
        /// The file as text for editors (OpenClaw's `raw`): `config` as JSON, so comments (which
        /// could hold secrets) are dropped. Sending it back to `config.set` keeps the redacted secrets.
        public var raw: String?
        /// The effective configuration (defaults, file, env, flags), redacted.
        public var effective: JSONValue
        /// Hex SHA-256 of the file bytes (of the empty string when there is no file).
        public var hash: String
        public var issues: [String]

        public init(
            path: String, exists: Bool, valid: Bool, config: JSONValue, raw: String? = nil, effective: JSONValue, hash: String, issues: [String]
        ) {
            self.path = path
            self.raw = raw
            self.exists = exists
            self.valid = valid
            self.config = config
            self.effective = effective
            self.hash = hash
            self.issues = issues
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("path", .string(), required: true),
                .init("exists", .boolean(), required: true),
                .init("valid", .boolean(), required: true),
                .init("config", .any(), required: true),
                .init("raw", .string()),
                .init("effective", .any(), required: true),
                .init("hash", .string(minLength: 64, maxLength: 64), required: true),
                .init("issues", .array(items: .string()), required: true)
            )
        }
    }
}
