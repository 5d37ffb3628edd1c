public import Logging
public import SwitchboardProtocol

/// A capability the model may call during a run.
public protocol AgentTool: Sendable {
    var definition: ToolDefinition { get }
    /// Runs the tool. Throw ``ToolFailure`` for an error the model should see and may recover
    /// from; any other error is reported to the model the same way, by type only.
    func call(_ arguments: JSONValue, context: ToolContext) async throws -> String
}

/// Tools that come and go while the gateway runs (a node's commands while it is connected):
/// asked for its current tools at the start of every run.
public protocol ToolSource: Sendable {
    var tools: [any AgentTool] { get }
}

/// What a tool knows about the run that called it.
public struct ToolContext: Sendable {
    public var runId: String
    public var sessionKey: String
    /// The agent's workspace directory: file tools never reach outside it.
    public var workspace: String
    public var logger: Logger

    public init(runId: String, sessionKey: String, workspace: String, logger: Logger) {
        self.runId = runId
        self.sessionKey = sessionKey
        self.workspace = workspace
        self.logger = logger
    }
}

/// A tool error worded for the model (and the transcript).
public struct ToolFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The outcome of one tool call as fed back to the model.
public struct ToolOutput: Sendable, Hashable {
    public var text: String
    public var isError: Bool

    public init(text: String, isError: Bool) {
        self.text = text
        self.isError = isError
    }
}
