import ArgumentParser
import Foundation
import SwitchboardClient
import SwitchboardProtocol

/// `switchboard chat`: talk to the agent from a terminal. Answers stream in as they are
/// written, tool calls show as they run, `/stop` stops the answer, `/new` starts the session
/// afresh, `/history` shows the last turns; the connection comes back by itself after a
/// gateway restart, and an answer cut by it is printed once the run ends.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat", abstract: "Chat with the agent in the terminal (answers stream; /stop, /new, /history, /quit)."
    )

    @Option(help: "Session key (default: the agent's main session).") var session: String?
    @Option(help: "Agent id (default: the default agent).") var agent: String?
    @OptionGroup var client: ClientOptions

    /// What the loop reacts to: a typed line, end of input, or something from the gateway.
    enum Input: Sendable {
        case line(String)
        case endOfInput
        case client(ClientEvent)
        /// A run that was in flight when the connection dropped has ended (`agent.wait`).
        case ended(runId: String)
    }

    func run() async throws {
        var configuration: GatewayClientConfiguration
        do {
            configuration = try client.clientConfiguration()
        } catch let failure as ExplainedFailure {
            FileHandle.standardError.write(Data("switchboard: \(failure.message)\n".utf8))
            throw ExitCode(failure.exitCode)
        }
        configuration.reconnect = true
        configuration.caps = ["tool-events"]
        let sessionKey = session ?? "agent:\(agent ?? "main"):main"
        let url = configuration.url
        do {
            try await withGatewayClient(configuration) { gatewayClient in
                try await gatewayClient.waitUntilConnected(timeout: .seconds(client.timeout))
                print("Connected to \(url) — session \(sessionKey). Type a message; /help for commands.")
                fflush(nil)
                try await loop(gatewayClient, sessionKey: sessionKey)
            }
        } catch let error as GatewayClientError {
            FileHandle.standardError.write(Data("switchboard: \(ClientOptions.explain(error, url: url))\n".utf8))
            throw ExitCode(ClientOptions.exitCode(error))
        }
    }

    private func loop(_ gateway: GatewayClient, sessionKey: String) async throws {
        let (inputs, feed) = AsyncStream<Input>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await StandardInputLines.read { feed.yield(.line($0)) }
                feed.yield(.endOfInput)
            }
            group.addTask {
                for await event in gateway.events { feed.yield(.client(event)) }
            }
            var view = ChatView(sessionKey: sessionKey)
            var lostConnection = false
            // One turn at a time: lines typed (or piped) during an answer wait for its end;
            // `/stop` alone acts at once.
            var waiting: [String] = []
            var inputEnded = false
            for await input in inputs {
                switch input {
                case .endOfInput:
                    inputEnded = true
                case .line(let raw):
                    let line = raw.trimmingCharacters(in: .whitespaces)
                    if line.isEmpty { continue }
                    if line == "/stop" || view.current == nil && waiting.isEmpty {
                        if try await handle(line, gateway: gateway, view: &view) == false {
                            group.cancelAll()
                            return
                        }
                    } else {
                        waiting.append(line)
                    }
                case .client(.event(let frame)):
                    view.handle(frame)
                case .client(.disconnected):
                    lostConnection = true
                    print("\n[connection lost; reconnecting…]")
                case .client(.connected):
                    guard lostConnection else { continue }
                    lostConnection = false
                    print("[reconnected]")
                    // A run cut off mid-answer goes on (or resumes) in the gateway: wait for its end.
                    if let runId = view.current {
                        group.addTask {
                            _ = try? await gateway.call(AgentWait.self, .init(runId: runId, timeoutMs: 600_000), timeout: .seconds(620))
                            feed.yield(.ended(runId: runId))
                        }
                    }
                case .client(.rejected(let error)):
                    print("\n[the gateway refused the connection: \(error.message)]")
                    group.cancelAll()
                    return
                case .ended(let runId):
                    guard view.current == runId else { continue }
                    let history = try? await gateway.call(ChatHistory.self, .init(sessionKey: sessionKey, limit: 1))
                    view.finishFromHistory(history?.messages.last)
                case .client:
                    continue
                }
                while view.current == nil, !waiting.isEmpty {
                    if try await handle(waiting.removeFirst(), gateway: gateway, view: &view) == false {
                        group.cancelAll()
                        return
                    }
                }
                fflush(nil)
                if inputEnded, view.current == nil, waiting.isEmpty {
                    group.cancelAll()
                    return
                }
            }
        }
    }

    /// A typed line: a slash command, or a message to send; false to quit.
    private func handle(_ line: String, gateway: GatewayClient, view: inout ChatView) async throws -> Bool {
        if line.hasPrefix("/") { return try await command(line, gateway: gateway, view: &view) }
        let runId = "chat-\(UUID().uuidString.lowercased())"
        view.started(runId)
        do {
            _ = try await gateway.call(ChatSend.self, .init(sessionKey: view.sessionKey, message: line, idempotencyKey: runId))
        } catch let error as GatewayClientError {
            view.failed(error.gatewayError?.message ?? error.message)
        }
        return true
    }

    /// A slash command; false to quit.
    private func command(_ line: String, gateway: GatewayClient, view: inout ChatView) async throws -> Bool {
        let sessionKey = view.sessionKey
        switch line.split(separator: " ").first.map(String.init) ?? line {
        case "/quit", "/exit":
            return false
        case "/stop":
            _ = try? await gateway.call(ChatAbort.self, .init(sessionKey: sessionKey))
            print(view.current == nil ? "[nothing is running]" : "[stopping]")
        case "/new":
            _ = try await gateway.callRaw(method: "sessions.reset", params: ["key": .string(sessionKey)])
            view.current = nil
            print("[new session: the agent has forgotten this conversation]")
        case "/history":
            let history = try await gateway.call(ChatHistory.self, .init(sessionKey: sessionKey, limit: 20))
            if history.messages.isEmpty { print("[no messages yet]") }
            for message in history.messages where message.role == "user" || message.role == "assistant" {
                print("\(message.role == "user" ? "you" : "agent"): \(message.text)")
            }
        default:
            print("commands: /stop (stop the answer), /new (forget this session), /history (last turns), /quit")
        }
        return true
    }
}
