/// `channels.status` (read): every channel connector and its accounts (§5.7).
public enum ChannelsStatus: GatewayMethod {
    public static let name = "channels.status"
    public static let access = MethodAccess.scope(.read)
    public static let summary = "Channel connectors: configured, running, connected, last error, last message time, outbox counts."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var probe: Bool?
        public var timeoutMs: Int?

        public init(probe: Bool? = nil, timeoutMs: Int? = nil) {
            self.probe = probe
            self.timeoutMs = timeoutMs
        }

        public static var jsonSchema: JSONSchema {
            .object(.init("probe", .boolean()), .init("timeoutMs", .integer(minimum: 0)))
        }
    }

    /// OpenClaw's shape: summaries by channel id (each with its `outbox` counts when it has sent
    /// anything), open account snapshots.
    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ts: Int
        public var channelOrder: [String]
        public var channelLabels: [String: String]
        public var channels: [String: JSONValue]
        public var channelAccounts: [String: [JSONValue]]
        public var channelDefaultAccountId: [String: String]

        public init(
            ts: Int, channelOrder: [String], channelLabels: [String: String], channels: [String: JSONValue], channelAccounts: [String: [JSONValue]],
            channelDefaultAccountId: [String: String]
        ) {
            self.ts = ts
            self.channelOrder = channelOrder
            self.channelLabels = channelLabels
            self.channels = channels
            self.channelAccounts = channelAccounts
            self.channelDefaultAccountId = channelDefaultAccountId
        }

        /// Outbox counts of one channel (`pending`, `delivered`, `failed`), zero when none.
        public func outbox(_ channel: String) -> [String: Int] {
            var counts: [String: Int] = ["pending": 0, "delivered": 0, "failed": 0]
            if case .object(let object)? = channels[channel]?["outbox"] {
                for (state, value) in object { counts[state] = value.intValue ?? 0 }
            }
            return counts
        }

        public static var jsonSchema: JSONSchema {
            .object(
                .init("ts", .integer(), required: true),
                .init("channelOrder", .array(items: .string()), required: true),
                .init("channelLabels", .map(.string()), required: true),
                .init("channels", .map(.any()), required: true),
                .init("channelAccounts", .map(.array(items: .any())), required: true),
                .init("channelDefaultAccountId", .map(.string()), required: true)
            )
        }
    }
}
