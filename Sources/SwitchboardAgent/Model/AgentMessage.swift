public import SwitchboardProtocol

/// A provider-neutral conversation message: what the loop sends to any model.
public struct AgentMessage: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable {
        case system, user, assistant, tool
    }

    public var role: Role
    public var text: String
    /// Calls the assistant asked for (assistant messages only).
    public var toolCalls: [ToolCall]
    /// The call this message answers (tool messages only).
    public var toolCallId: String?
    public var toolName: String?
    public var isError: Bool
    /// Images sent with a user message.
    public var images: [AgentImage] = []

    public init(role: Role, text: String, toolCalls: [ToolCall] = [], toolCallId: String? = nil, toolName: String? = nil, isError: Bool = false) {
        self.role = role
        self.text = text
        self.toolCalls = toolCalls
        self.toolCallId = toolCallId
        self.toolName = toolName
        self.isError = isError
    }

    public static func user(_ text: String) -> AgentMessage { AgentMessage(role: .user, text: text) }
    public static func system(_ text: String) -> AgentMessage { AgentMessage(role: .system, text: text) }
}

/// An image in a user message: its media type (`image/png`…) and base64 data.
public struct AgentImage: Sendable, Hashable {
    public var mediaType: String
    public var base64: String

    public init(mediaType: String, base64: String) {
        self.mediaType = mediaType
        self.base64 = base64
    }
}

/// One tool invocation requested by the model.
public struct ToolCall: Sendable, Hashable {
    public var id: String
    public var name: String
    /// The arguments as the model sent them: a JSON object in text form.
    public var argumentsJSON: String

    public init(id: String, name: String, argumentsJSON: String) {
        self.id = id
        self.name = name
        self.argumentsJSON = argumentsJSON
    }

    /// The parsed arguments; an empty or unparsable string yields nil.
    public var arguments: JSONValue? {
        let trimmed = argumentsJSON.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return .object([:]) }
        return try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(trimmed.utf8))
    }
}

/// A tool as offered to the model.
public struct ToolDefinition: Sendable, Hashable {
    public var name: String
    public var description: String
    /// JSON Schema of the arguments object.
    public var parameters: JSONValue

    public init(name: String, description: String, parameters: JSONValue) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// Why the model stopped.
public enum StopReason: String, Sendable, Hashable {
    case stop
    case length
    case toolCalls = "tool_calls"
    case contentFilter = "content_filter"
}

/// Tokens used by one model call (or summed over a run).
public struct TokenUsage: Sendable, Hashable {
    public var input: Int
    public var output: Int

    public init(input: Int = 0, output: Int = 0) {
        self.input = input
        self.output = output
    }

    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(input: lhs.input + rhs.input, output: lhs.output + rhs.output)
    }
}

import Foundation
