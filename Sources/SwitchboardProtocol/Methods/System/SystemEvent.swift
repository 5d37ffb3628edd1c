/// `system-event` (scope admin): a client reports itself; updates presence and broadcasts
/// the `presence` event (§5.1).
public enum SystemEvent: GatewayMethod {
    public static let name = "system-event"
    public static let access = MethodAccess.scope(.admin)
    public static let summary = "Report a presence update; broadcasts presence."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var text: String
        public var deviceId: String?
        public var instanceId: String?
        public var host: String?
        public var ip: String?
        public var mode: String?
        public var version: String?
        public var platform: String?
        public var deviceFamily: String?
        public var modelIdentifier: String?
        public var lastInputSeconds: Int?
        public var reason: String?
        public var roles: [String]?
        public var scopes: [String]?
        public var tags: [String]?

        public init(text: String) { self.text = text }

        public static var jsonSchema: JSONSchema {
            .object(
                .init("text", .string(), required: true),
                .init("deviceId", .string()), .init("instanceId", .string()), .init("host", .string()),
                .init("ip", .string()), .init("mode", .string()), .init("version", .string()),
                .init("platform", .string()), .init("deviceFamily", .string()), .init("modelIdentifier", .string()),
                .init("lastInputSeconds", .integer(minimum: 0)), .init("reason", .string()),
                .init("roles", .array(items: .string())), .init("scopes", .array(items: .string())),
                .init("tags", .array(items: .string()))
            )
        }
    }

    public typealias Result = OKResult
}
