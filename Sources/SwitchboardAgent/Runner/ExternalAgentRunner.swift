import Foundation
import Logging
import Subprocess
import SwitchboardProtocol
import SystemPackage

/// Runs an agent that is any command speaking JSON lines over stdio (see README, "External
/// agent runner"): one request line in, then `delta`, `tool_start`, `tool_result` and a
/// `final` (or `error`) line out. The process is started per run and killed on abort.
public struct ExternalAgentRunner: AgentEngine {
    public struct Settings: Sendable, Hashable {
        public var command: String
        public var args: [String]
        public var env: [String: String]
        /// Longest accepted output line.
        public var maxLineBytes: Int

        public init(command: String, args: [String] = [], env: [String: String] = [:], maxLineBytes: Int = 1024 * 1024) {
            self.command = command
            self.args = args
            self.env = env
            self.maxLineBytes = maxLineBytes
        }
    }

    public let settings: Settings
    public let agentId: String

    public init(settings: Settings, agentId: String) {
        self.settings = settings
        self.agentId = agentId
    }

    /// The request line sent on stdin.
    struct Request: Encodable {
        var type = "run"
        var version = 1
        var runId: String
        var sessionKey: String
        var agentId: String
        var message: String
        var history: [HistoryItem]
        var workspace: String
    }

    struct HistoryItem: Encodable {
        var role: String
        var text: String
    }

    /// One output line; `type` decides which fields matter.
    struct Line: Decodable {
        var type: String
        var text: String?
        var id: String?
        var name: String?
        var args: JSONValue?
        var result: String?
        var isError: Bool?
        var message: String?
        var usage: Usage?
        var stopReason: String?
    }

    struct Usage: Decodable {
        var input: Int?
        var output: Int?
    }

    public func run(messages: [AgentMessage], context: ToolContext, emit: @Sendable (AgentStep) async throws -> Void) async throws -> AgentOutcome {
        let user = messages.last { $0.role == .user }?.text ?? ""
        let history = messages.dropLast().filter { $0.role == .user || $0.role == .assistant }.map { HistoryItem(role: $0.role.rawValue, text: $0.text) }
        let request = Request(
            runId: context.runId, sessionKey: context.sessionKey, agentId: agentId, message: user, history: Array(history), workspace: context.workspace
        )
        let requestLine = String(decoding: try GatewayJSON.encoder.encode(request), as: UTF8.self) + "\n"
        let options = ChildCommand.platformOptions
        let environment = ChildCommand.environment(adding: settings.env)
        let executable = ChildCommand.executable(settings.command)
        let maxLine = settings.maxLineBytes
        let command = settings.command
        let result: ExecutionResult<Result<AgentOutcome, ProviderError>, SequenceOutput, DiscardedOutput>
        do {
            result = try await Subprocess.run(
                executable, arguments: Arguments(settings.args), environment: environment, workingDirectory: FilePath(context.workspace),
                platformOptions: options, input: .string(requestLine), output: .sequence, error: .discarded
            ) { execution -> Result<AgentOutcome, ProviderError> in
                var state = LineState()
                do {
                    for try await line in execution.standardOutput.strings(bufferingPolicy: .maxLineLength(maxLine)) {
                        if let outcome = try await state.consume(line, emit: emit) { return .success(outcome) }
                    }
                } catch let error as ProviderError {
                    return .failure(error)
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    if Task.isCancelled { throw CancellationError() }
                    return .failure(ProviderError(.badResponse, "agent command \(command) wrote an output line over \(maxLine) bytes"))
                }
                return .failure(ProviderError(.badResponse, "agent command \(command) ended without a final line"))
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw ProviderError(.notConfigured, "could not start agent command \(command): \(error)")
        }
        switch result.closureResult {
        case .success(let outcome): return outcome
        case .failure(var error):
            if case .exited(let code) = result.terminationStatus, code != 0 { error.message += " (exit status \(code))" }
            if case .signaled(let signal) = result.terminationStatus { error.message += " (killed by signal \(signal))" }
            throw error
        }
    }

    /// Turns output lines into steps; returns the outcome on `final`.
    struct LineState {
        var text = ""
        var toolCalls: [String: ToolCall] = [:]
        var toolCount = 0

        mutating func consume(_ line: String, emit: @Sendable (AgentStep) async throws -> Void) async throws -> AgentOutcome? {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.hasPrefix("{"), let parsed = try? GatewayJSON.decoder.decode(Line.self, from: Data(trimmed.utf8)) else { return nil }
            switch parsed.type {
            case "delta":
                guard let piece = parsed.text, !piece.isEmpty else { return nil }
                text += piece
                try await emit(.textDelta(piece))
            case "tool_start":
                let id = parsed.id ?? "tool_\(toolCount + 1)"
                let arguments = parsed.args.flatMap { try? GatewayJSON.encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                let call = ToolCall(id: id, name: parsed.name ?? "tool", argumentsJSON: arguments)
                toolCalls[id] = call
                toolCount += 1
                try await emit(.toolStarted(call))
            case "tool_result":
                let id = parsed.id ?? ""
                let call = toolCalls[id] ?? ToolCall(id: id, name: parsed.name ?? "tool", argumentsJSON: "{}")
                try await emit(.toolFinished(call, ToolOutput(text: parsed.result ?? "", isError: parsed.isError ?? false), durationMs: 0))
            case "final":
                if let final = parsed.text, final != text, final.hasPrefix(text) {
                    let rest = String(final.dropFirst(text.count))
                    text = final
                    try await emit(.textDelta(rest))
                } else if let final = parsed.text, text.isEmpty, !final.isEmpty {
                    text = final
                    try await emit(.textDelta(final))
                }
                let usage = TokenUsage(input: parsed.usage?.input ?? 0, output: parsed.usage?.output ?? 0)
                try await emit(.assistantTurn(AgentMessage(role: .assistant, text: text), usage, .stop))
                return AgentOutcome(text: text, usage: usage, stopReason: parsed.stopReason ?? "stop", toolCalls: toolCount, modelCalls: 1)
            case "error":
                throw ProviderError(.badResponse, "agent command failed: \(parsed.message ?? "no message")")
            default:
                return nil
            }
            return nil
        }
    }
}
