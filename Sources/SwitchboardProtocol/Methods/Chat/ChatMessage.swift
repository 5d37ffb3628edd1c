/// One transcript message on the wire (`chat.history`, `chat` events): OpenClaw's agent message
/// shape, a role plus typed content blocks (§5.2, §6.4).
public struct ChatMessage: Codable, Sendable, Hashable, JSONSchemaDescribable {
    /// `user`, `assistant`, `toolResult` or `system`.
    public var role: String
    public var content: [ChatContentBlock]
    public var timestamp: Int
    /// Stable id of the stored entry (absent in streaming deltas).
    public var id: String?
    public var runId: String?
    public var toolCallId: String?
    public var toolName: String?
    public var isError: Bool?
    public var stopReason: String?
    public var usage: ChatUsage?
    /// Set on history entries cut short by an abort, a timeout or a crash.
    public var interrupted: Bool?
    public var label: String?

    public init(role: String, content: [ChatContentBlock], timestamp: Int) {
        self.role = role
        self.content = content
        self.timestamp = timestamp
    }

    /// A single text block message.
    public static func text(_ text: String, role: String, timestamp: Int) -> ChatMessage {
        ChatMessage(role: role, content: [.text(text)], timestamp: timestamp)
    }

    /// The concatenated text blocks.
    public var text: String {
        content.compactMap { $0.type == "text" ? $0.text : nil }.joined()
    }

    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("role", .string(), required: true),
            .init("content", .array(items: ChatContentBlock.jsonSchema), required: true),
            .init("timestamp", .integer(minimum: 0), required: true),
            .init("id", .string()),
            .init("runId", .string()),
            .init("toolCallId", .string()),
            .init("toolName", .string()),
            .init("isError", .boolean()),
            .init("stopReason", .string()),
            .init("usage", ChatUsage.jsonSchema),
            .init("interrupted", .boolean()),
            .init("label", .string())
        )
    }
}

/// A content block: `text`, `toolCall` (assistant) or `image` (data omitted in history).
public struct ChatContentBlock: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var type: String
    public var text: String?
    public var id: String?
    public var name: String?
    public var arguments: JSONValue?
    /// History sanitising: the block's payload was removed; `bytes` tells how large it was.
    public var omitted: Bool?
    public var bytes: Int?
    public var truncated: Bool?
    /// `image` blocks: the media type, the base64 data (omitted in history) and the file name.
    public var mimeType: String?
    public var data: String?
    public var fileName: String?

    public init(type: String) { self.type = type }

    public static func image(mimeType: String, data: String, fileName: String?, bytes: Int) -> ChatContentBlock {
        var block = ChatContentBlock(type: "image")
        block.mimeType = mimeType
        block.data = data
        block.fileName = fileName
        block.bytes = bytes
        return block
    }

    public static func text(_ text: String) -> ChatContentBlock {
        var block = ChatContentBlock(type: "text")
        block.text = text
        return block
    }

    public static func toolCall(id: String, name: String, arguments: JSONValue) -> ChatContentBlock {
        var block = ChatContentBlock(type: "toolCall")
        block.id = id
        block.name = name
        block.arguments = arguments
        return block
    }

    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("type", .string(), required: true),
            .init("text", .string()),
            .init("id", .string()),
            .init("name", .string()),
            .init("arguments", .any()),
            .init("omitted", .boolean()),
            .init("bytes", .integer(minimum: 0)),
            .init("truncated", .boolean()),
            .init("mimeType", .string()),
            .init("data", .string()),
            .init("fileName", .string())
        )
    }
}

/// Token counts reported by the provider.
public struct ChatUsage: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var input: Int
    public var output: Int
    public var total: Int

    public init(input: Int, output: Int) {
        self.input = input
        self.output = output
        self.total = input + output
    }

    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("input", .integer(minimum: 0), required: true),
            .init("output", .integer(minimum: 0), required: true),
            .init("total", .integer(minimum: 0), required: true)
        )
    }
}
