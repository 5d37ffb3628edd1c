/// What happens during a run, in order, for the caller to stream and persist.
public enum AgentStep: Sendable {
    /// Assistant text to append to the run's text (already includes turn separators).
    case textDelta(String)
    /// A model turn ended: its text and tool calls, ready for the transcript.
    case assistantTurn(AgentMessage, TokenUsage, StopReason)
    case toolStarted(ToolCall)
    case toolFinished(ToolCall, ToolOutput, durationMs: Int)
}

/// How a run ended when it did not throw.
public struct AgentOutcome: Sendable, Hashable {
    /// All assistant text of the run, as streamed.
    public var text: String
    public var usage: TokenUsage
    /// `stop`, `length`, `content_filter` or `max_iterations`.
    public var stopReason: String
    public var toolCalls: Int
    public var modelCalls: Int

    public init(text: String, usage: TokenUsage, stopReason: String, toolCalls: Int, modelCalls: Int) {
        self.text = text
        self.usage = usage
        self.stopReason = stopReason
        self.toolCalls = toolCalls
        self.modelCalls = modelCalls
    }
}

/// Settings that bound one run's model/tool loop.
public struct AgentLoopLimits: Sendable, Hashable {
    /// Model calls that may end in tool calls before the run stops with `max_iterations`.
    public var maxToolIterations: Int
    /// Extra model calls when an answer stops for length ("continue where you left off").
    public var maxContinuations: Int
    public var maxOutputTokens: Int?

    public init(maxToolIterations: Int = 10, maxContinuations: Int = 2, maxOutputTokens: Int? = nil) {
        self.maxToolIterations = maxToolIterations
        self.maxContinuations = maxContinuations
        self.maxOutputTokens = maxOutputTokens
    }
}

/// The tool-call loop: call the model, run the tools it asks for, feed the results back, and
/// repeat until it answers without tools (or a limit is hit). Cancellation stops it anywhere.
public struct AgentLoop: Sendable {
    public var model: ModelCatalog.Resolved
    public var tools: ToolRegistry
    public var limits: AgentLoopLimits

    public init(model: ModelCatalog.Resolved, tools: ToolRegistry, limits: AgentLoopLimits) {
        self.model = model
        self.tools = tools
        self.limits = limits
    }

    static let continuePrompt = "Your previous answer was cut off by the output length limit. Continue exactly where it stopped, without repeating anything."

    /// - Parameter messages: system prompt, history and the new user message, in order.
    public func run(messages initial: [AgentMessage], context: ToolContext, emit: @Sendable (AgentStep) async throws -> Void) async throws -> AgentOutcome {
        var messages = initial
        var runText = ""
        var usage = TokenUsage()
        var toolCallCount = 0
        var modelCalls = 0
        var toolIterations = 0
        var continuations = 0
        var joinWithBreak = false
        while true {
            try Task.checkCancellation()
            modelCalls += 1
            var turnText = ""
            var calls: [ToolCall] = []
            var stop = StopReason.stop
            var turnUsage = TokenUsage()
            let request = CompletionRequest(
                model: model.model, messages: messages, tools: tools.definitions,
                maxOutputTokens: limits.maxOutputTokens ?? model.settings?.maxOutputTokens
            )
            try await model.provider.stream(request) { event in
                switch event {
                case .textDelta(let delta):
                    var piece = delta
                    if turnText.isEmpty && joinWithBreak && !runText.isEmpty { piece = "\n\n" + piece }
                    turnText += delta
                    runText += piece
                    try await emit(.textDelta(piece))
                case .toolCall(let call):
                    calls.append(call)
                case .finished(let reason, let used):
                    stop = reason
                    turnUsage = used
                }
            }
            usage = usage + turnUsage
            let assistant = AgentMessage(role: .assistant, text: turnText, toolCalls: calls)
            try await emit(.assistantTurn(assistant, turnUsage, stop))
            messages.append(assistant)

            if !calls.isEmpty {
                toolIterations += 1
                for call in calls {
                    try Task.checkCancellation()
                    toolCallCount += 1
                    try await emit(.toolStarted(call))
                    let started = ContinuousClock.now
                    let output = try await tools.call(call, context: context)
                    let elapsed = ContinuousClock.now - started
                    let ms = Int(elapsed.components.seconds) * 1000 + Int(elapsed.components.attoseconds / 1_000_000_000_000_000)
                    try await emit(.toolFinished(call, output, durationMs: ms))
                    messages.append(AgentMessage(role: .tool, text: output.text, toolCallId: call.id, toolName: call.name, isError: output.isError))
                }
                joinWithBreak = true
                if toolIterations >= limits.maxToolIterations {
                    return AgentOutcome(text: runText, usage: usage, stopReason: "max_iterations", toolCalls: toolCallCount, modelCalls: modelCalls)
                }
                continue
            }
            if stop == .length && continuations < limits.maxContinuations {
                continuations += 1
                joinWithBreak = false
                messages.append(.user(Self.continuePrompt))
                continue
            }
            return AgentOutcome(text: runText, usage: usage, stopReason: stop.rawValue, toolCalls: toolCallCount, modelCalls: modelCalls)
        }
    }
}
