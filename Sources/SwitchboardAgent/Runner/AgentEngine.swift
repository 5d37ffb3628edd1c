/// Something that can answer a conversation: the built-in model/tool loop or an external
/// agent command. The run service treats both alike.
public protocol AgentEngine: Sendable {
    /// - Parameter messages: system prompt, history and the new user message, in order.
    func run(messages: [AgentMessage], context: ToolContext, emit: @Sendable (AgentStep) async throws -> Void) async throws -> AgentOutcome
}

extension AgentLoop: AgentEngine {}
