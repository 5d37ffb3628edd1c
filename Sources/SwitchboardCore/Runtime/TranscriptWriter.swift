import Foundation
import Synchronization
import SwitchboardAgent
import SwitchboardPluginAPI
import SwitchboardProtocol

/// Writes one run's messages to the transcript while it streams: the assistant text is
/// written when text arrives `flushMs` or more after the turn's start or the last write, and
/// updated in place; each finished turn and tool result is committed at once. A crash never
/// loses an earlier turn; of the streaming turn it loses the text since the last write (at
/// most `flushMs` of it while the model streams steadily, more if the stream stalls with text
/// pending). A turn that ends within `flushMs` costs one write.
///
/// With `holdsFinalTurn`, a turn that ends the run (no tool calls) is not written here: the run
/// takes it (``takeHeldReply()``) and commits it with the journal's outcome, one commit instead
/// of two, before the final event. If anything but the run's end follows, the held turn is
/// written first (another turn, an interruption).
final class TranscriptWriter: Sendable {
    let store: any SessionStoring
    let sessionId: String
    let runId: String
    let flushMs: Int
    let clock: GatewayClock
    let holdsFinalTurn: Bool

    private struct State {
        var entryId: Int64?
        var turnText = ""
        var lastWriteMs = 0
        var startedAtMs = 0
        var held: RunReply?
    }

    private let state = Mutex(State())

    init(store: any SessionStoring, sessionId: String, runId: String, flushMs: Int, clock: GatewayClock, holdsFinalTurn: Bool = false) {
        self.store = store
        self.sessionId = sessionId
        self.runId = runId
        self.flushMs = flushMs
        self.clock = clock
        self.holdsFinalTurn = holdsFinalTurn
    }

    /// The run's final turn, held for the run's closing commit; nil when none is held.
    func takeHeldReply() -> RunReply? {
        state.withLock { state in
            defer { state.held = nil }
            return state.held
        }
    }

    /// Writes a held turn now: something other than the run's end came after it.
    private func writeHeld() async throws {
        guard let held = takeHeldReply() else { return }
        if let entryId = held.entryId {
            try await store.update(entryId: entryId, message: held.message, state: .complete)
        } else {
            _ = try await store.append(sessionId: sessionId, message: held.message, state: .complete)
        }
    }

    private func message(_ text: String, timestamp: Int) -> ChatMessage {
        var message = ChatMessage.text(text, role: "assistant", timestamp: timestamp)
        message.runId = runId
        return message
    }

    /// Streamed assistant text of the current turn.
    func append(_ delta: String) async throws {
        try await writeHeld()
        let now = clock.nowMs()
        let action = state.withLock { state -> (entryId: Int64?, text: String, started: Int)? in
            if state.turnText.isEmpty && state.entryId == nil {
                state.startedAtMs = now
                state.lastWriteMs = now
            }
            state.turnText += delta
            // The first write waits `flushMs` too: a turn that ends sooner is written once, complete.
            guard now - state.lastWriteMs >= flushMs else { return nil }
            state.lastWriteMs = now
            return (state.entryId, state.turnText, state.startedAtMs)
        }
        guard let action else { return }
        if let entryId = action.entryId {
            try await store.update(entryId: entryId, message: message(action.text, timestamp: action.started), state: .streaming)
        } else {
            let id = try await store.append(sessionId: sessionId, message: message(action.text, timestamp: action.started), state: .streaming)
            state.withLock { $0.entryId = id }
        }
    }

    /// A model turn ended: commit its text, tool calls and usage.
    func completeTurn(_ turn: AgentMessage, usage: TokenUsage, stopReason: StopReason) async throws {
        let (entryId, started) = state.withLock { state -> (Int64?, Int) in
            defer {
                state.entryId = nil
                state.turnText = ""
            }
            return (state.entryId, state.entryId == nil ? clock.nowMs() : state.startedAtMs)
        }
        var message = message(turn.text, timestamp: started)
        if turn.text.isEmpty { message.content = [] }
        message.content += turn.toolCalls.map { .toolCall(id: $0.id, name: $0.name, arguments: $0.arguments ?? .object([:])) }
        message.usage = ChatUsage(input: usage.input, output: usage.output)
        message.stopReason = stopReason.rawValue
        try await writeHeld()
        if holdsFinalTurn && turn.toolCalls.isEmpty && stopReason != .toolCalls {
            state.withLock { $0.held = RunReply(sessionId: sessionId, entryId: entryId, message: message) }
            return
        }
        if let entryId {
            try await store.update(entryId: entryId, message: message, state: .complete)
        } else {
            _ = try await store.append(sessionId: sessionId, message: message, state: .complete)
        }
    }

    func toolResult(_ call: ToolCall, output: ToolOutput) async throws {
        try await writeHeld()
        var message = ChatMessage.text(output.text, role: "toolResult", timestamp: clock.nowMs())
        message.runId = runId
        message.toolCallId = call.id
        message.toolName = call.name
        message.isError = output.isError
        _ = try await store.append(sessionId: sessionId, message: message, state: .complete)
    }

    /// The run stopped mid-turn: keep the partial text, marked interrupted.
    func interrupt(stopReason: String) async throws {
        // A final turn that completed before the stop won the race is kept complete.
        try await writeHeld()
        let pending = state.withLock { state -> (Int64?, String, Int) in
            defer {
                state.entryId = nil
                state.turnText = ""
            }
            return (state.entryId, state.turnText, state.startedAtMs)
        }
        guard !pending.1.isEmpty else { return }
        var message = message(pending.1, timestamp: pending.2)
        message.stopReason = stopReason
        if let entryId = pending.0 {
            try await store.update(entryId: entryId, message: message, state: .interrupted)
        } else {
            _ = try await store.append(sessionId: sessionId, message: message, state: .interrupted)
        }
    }
}

/// Rebuilds model context from transcript entries.
enum TranscriptContext {
    /// Converts entries to messages, dropping tool calls without results (and results without
    /// calls), which providers reject.
    static func messages(from entries: [TranscriptEntry]) -> [AgentMessage] {
        var messages: [AgentMessage] = []
        let answered = Set(entries.compactMap { $0.message.role == "toolResult" ? $0.message.toolCallId : nil })
        var offered = Set<String>()
        let newestUser = entries.last { $0.message.role == "user" }?.id
        for entry in entries {
            let message = entry.message
            switch message.role {
            case "user":
                var user = AgentMessage.user(message.text)
                let images = message.content.filter { $0.type == "image" }
                if entry.id == newestUser {
                    user.images = images.compactMap { block in
                        guard let type = block.mimeType, let data = block.data else { return nil }
                        return AgentImage(mediaType: type, base64: data)
                    }
                } else if !images.isEmpty {
                    // Only the newest message's images are sent again: every earlier one would be
                    // re-sent (and paid for) on every later turn.
                    let names = images.map { $0.fileName ?? $0.mimeType ?? "image" }.joined(separator: ", ")
                    user.text += (user.text.isEmpty ? "" : "\n") + "[earlier image: \(names)]"
                }
                if user.text.isEmpty && user.images.isEmpty { continue }
                messages.append(user)
            case "assistant":
                let calls = message.content.compactMap { block -> ToolCall? in
                    guard block.type == "toolCall", let id = block.id, let name = block.name, answered.contains(id) else { return nil }
                    let arguments = block.arguments.flatMap { try? GatewayJSON.encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                    return ToolCall(id: id, name: name, argumentsJSON: arguments)
                }
                calls.forEach { offered.insert($0.id) }
                if message.text.isEmpty && calls.isEmpty { continue }
                messages.append(AgentMessage(role: .assistant, text: message.text, toolCalls: calls))
            case "toolResult":
                guard let id = message.toolCallId, offered.contains(id) else { continue }
                messages.append(AgentMessage(role: .tool, text: message.text, toolCallId: id, toolName: message.toolName, isError: message.isError ?? false))
            default:
                continue
            }
        }
        return messages
    }
}
