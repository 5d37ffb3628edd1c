/// `logs.tail` (scope read): lines of the gateway's JSON-lines log file, resumable by byte
/// cursor (§5.1).
public enum LogsTail: GatewayMethod {
    public static let name = "logs.tail"
    public static let access = MethodAccess.scope(.read)
    public static let summary = "Tail the gateway log file; pass the returned cursor to continue."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var cursor: Int?
        public var limit: Int?
        public var maxBytes: Int?

        public init(cursor: Int? = nil, limit: Int? = nil, maxBytes: Int? = nil) {
            self.cursor = cursor
            self.limit = limit
            self.maxBytes = maxBytes
        }

        public static let limitRange = 1...5000
        public static let maxBytesRange = 1...1_000_000

        public static var jsonSchema: JSONSchema {
            .object(
                .init("cursor", .integer(minimum: 0)),
                .init("limit", .integer(minimum: limitRange.lowerBound, maximum: limitRange.upperBound)),
                .init("maxBytes", .integer(minimum: maxBytesRange.lowerBound, maximum: maxBytesRange.upperBound))
            )
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var file: String
        public var cursor: Int
        public var size: Int
        public var lines: [String]
        public var truncated: Bool?
        public var reset: Bool?

        public init(file: String, cursor: Int, size: Int, lines: [String], truncated: Bool? = nil, reset: Bool? = nil) {
            self.file = file
            self.cursor = cursor
            self.size = size
            self.lines = lines
            self.truncated = truncated
            self.reset = reset
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("file", .string(), required: true),
                .init("cursor", .integer(minimum: 0), required: true),
                .init("size", .integer(minimum: 0), required: true),
                .init("lines", .array(items: .string()), required: true),
                .init("truncated", .boolean()),
                .init("reset", .boolean())
            )
        }
    }
}
