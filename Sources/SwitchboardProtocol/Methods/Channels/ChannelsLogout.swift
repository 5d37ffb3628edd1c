/// `channels.logout` (admin, OpenClaw's): signs a platform channel out — its credentials are
/// removed from the config file (the gateway restarts without that connector). Credentials
/// that come from the environment cannot be removed here; the answer says so (`envToken`).
public enum ChannelsLogout: GatewayMethod {
    public static let name = "channels.logout"
    public static let access = MethodAccess.scope(.admin)
    public static let summary = "Sign a channel out: remove its token from the config (the connector stops)."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var channel: String
        public var accountId: String?

        public init(channel: String, accountId: String? = nil) {
            self.channel = channel
            self.accountId = accountId
        }

        public static var jsonSchema: JSONSchema {
            .object(.init("channel", .string(minLength: 1), required: true), .init("accountId", .string()))
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var channel: String
        public var accountId: String
        /// Whether credentials were removed from the config file.
        public var cleared: Bool
        /// Whether a running connector was signed out (it stops at the restart that follows).
        public var loggedOut: Bool
        /// True when the credentials come from the environment, which only the operator can unset.
        public var envToken: Bool?
        /// The config keys removed.
        public var removed: [String]

        public init(channel: String, accountId: String, cleared: Bool, loggedOut: Bool, envToken: Bool?, removed: [String]) {
            self.channel = channel
            self.accountId = accountId
            self.cleared = cleared
            self.loggedOut = loggedOut
            self.envToken = envToken
            self.removed = removed
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("channel", .string(), required: true), .init("accountId", .string(), required: true), .init("cleared", .boolean(), required: true),
                .init("loggedOut", .boolean(), required: true), .init("envToken", .boolean()), .init("removed", .array(items: .string()), required: true)
            )
        }
    }
}
