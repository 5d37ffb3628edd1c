/// `config.changed` (admin scope): the config file was edited (by a client or on disk) and
/// the gateway took it in place, is restarting for it, or rejected it.
public enum ConfigChangedEvent: GatewayEvent {
    public static let name = "config.changed"
    public static let requiredScope: OperatorScope? = .admin
    public static let summary = "A config edit was applied in place, is restarting the gateway, or was rejected (with the problems)."

    public struct Payload: Codable, Sendable, Hashable, JSONSchemaDescribable {
        /// `hot`, `restart` or `rejected`.
        public var applied: String
        /// Key paths whose value changed.
        public var changed: [String]
        /// Why the edit was rejected, one entry per bad key.
        public var problems: [String]?
        /// The file's hash now (the next write's `baseHash`).
        public var hash: String
        public var ts: Int

        public init(applied: String, changed: [String], problems: [String]? = nil, hash: String, ts: Int) {
            self.applied = applied
            self.changed = changed
            self.problems = problems
            self.hash = hash
            self.ts = ts
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("applied", .string(enumValues: ["hot", "restart", "rejected"]), required: true),
                .init("changed", .array(items: .string()), required: true),
                .init("problems", .array(items: .string())),
                .init("hash", .string(), required: true),
                .init("ts", .integer(minimum: 0), required: true)
            )
        }
    }
}
