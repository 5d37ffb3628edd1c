/// One call to a model: the conversation so far and the tools it may use.
public struct CompletionRequest: Sendable, Hashable {
    public var model: String
    public var messages: [AgentMessage]
    public var tools: [ToolDefinition]
    public var maxOutputTokens: Int?
    public var temperature: Double?

    public init(model: String, messages: [AgentMessage], tools: [ToolDefinition] = [], maxOutputTokens: Int? = nil, temperature: Double? = nil) {
        self.model = model
        self.messages = messages
        self.tools = tools
        self.maxOutputTokens = maxOutputTokens
        self.temperature = temperature
    }
}

/// What a streaming model call yields, in order: text deltas and completed tool calls,
/// then exactly one `finished`.
public enum CompletionEvent: Sendable, Hashable {
    case textDelta(String)
    case toolCall(ToolCall)
    case finished(StopReason, TokenUsage)
}

/// A chat model reachable over HTTP.
///
/// Events are pushed into `sink` as they arrive, so the caller's structured task owns the
/// stream (no detached producer task); the call returns after `finished` or throws.
public protocol LLMProvider: Sendable {
    /// The provider id used in `provider/model` references.
    var id: String { get }
    func stream(_ request: CompletionRequest, into sink: (CompletionEvent) async throws -> Void) async throws
}
