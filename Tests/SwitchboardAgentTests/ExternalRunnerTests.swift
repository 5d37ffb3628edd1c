import Foundation
import Logging
import Synchronization
import SwitchboardAgent
import SwitchboardProtocol
import Testing

/// The JSON-lines agent runner against a real child process (a small Python agent).
struct ExternalRunnerTests {
    static let script = #"""
        import json, sys
        request = json.loads(sys.stdin.readline())
        def out(obj):
            sys.stdout.write(json.dumps(obj) + "\n"); sys.stdout.flush()
        if request["message"] == "fail":
            out({"type": "error", "message": "backend exploded"}); sys.exit(3)
        out({"type": "tool_start", "id": "t1", "name": "lookup", "args": {"q": request["message"]}})
        out({"type": "tool_result", "id": "t1", "name": "lookup", "result": "found", "isError": False})
        out({"type": "delta", "text": "Echo: "})
        out({"type": "delta", "text": request["message"]})
        out({"type": "final", "usage": {"input": 3, "output": 2}, "history": len(request["history"])})
        """#

    final class Steps: Sendable {
        let value = Mutex<[String]>([])
    }

    func run(_ message: String) async throws -> (AgentOutcome, [String]) {
        let file = NSTemporaryDirectory() + "sb-agent-\(UUID().uuidString.prefix(8)).py"
        try Self.script.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let runner = ExternalAgentRunner(settings: .init(command: "python3", args: [file]), agentId: "ext")
        let steps = Steps()
        let context = ToolContext(runId: "run-x", sessionKey: "agent:ext:main", workspace: NSTemporaryDirectory(), logger: Logger(label: "t"))
        let outcome = try await runner.run(messages: [.system("sys"), .user("earlier"), AgentMessage(role: .assistant, text: "reply"), .user(message)], context: context) { step in
            let label: String = switch step {
            case .textDelta(let text): "delta:\(text)"
            case .toolStarted(let call): "start:\(call.name)"
            case .toolFinished(_, let output, _): "result:\(output.text)"
            case .assistantTurn(let turn, _, _): "turn:\(turn.text)"
            }
            steps.value.withLock { $0.append(label) }
        }
        return (outcome, steps.value.withLock { $0 })
    }

    @Test func deltasToolEventsAndTheFinalLineBecomeSteps() async throws {
        let (outcome, steps) = try await run("hello")
        #expect(steps == ["start:lookup", "result:found", "delta:Echo: ", "delta:hello", "turn:Echo: hello"])
        #expect(outcome.text == "Echo: hello" && outcome.usage == TokenUsage(input: 3, output: 2) && outcome.toolCalls == 1)
    }

    @Test func anErrorLineAndTheExitStatusAreReported() async throws {
        await #expect {
            _ = try await run("fail")
        } throws: { error in
            let message = (error as? ProviderError)?.message ?? ""
            return message.contains("backend exploded") && message.contains("exit status 3")
        }
    }
}
