import Foundation
import Logging
import SwitchboardAgent
import SwitchboardPluginAPI
import SwitchboardProtocol

/// One run from start to outcome: context, engine, streaming, transcript, terminal events.
extension AgentRunService {
    static let defaultSystemPrompt =
        "You are a helpful personal assistant reached through a chat gateway. Answer concisely. Use the tools you are given when they help."

    private enum Ending: Sendable {
        case finished(AgentOutcome)
        case failed(String, kind: String)
        case aborted
        case timedOut
    }

    func perform(_ handle: RunHandle) async -> RunResult {
        let request = handle.request
        let startedAt = clock.nowMs()
        handle.markStarted(atMs: startedAt)
        var logger = self.logger
        logger[metadataKey: "sb.run.id"] = "\(request.runId)"
        logger[metadataKey: "sb.session"] = "\(request.sessionKey)"
        let agent = config.agent(request.agentId) ?? AgentDefinition(id: request.agentId)

        let session: SessionRecord
        let entries: [TranscriptEntry]
        do {
            // A journaled run is marked running in the same trip (see ``journalFinished`` for its end).
            (session, entries) =
                request.journaled
                ? try await journal.begin(
                    runId: request.runId, sessionKey: request.sessionKey, agentId: agent.id, historyLimit: config.historyLimit, nowMs: startedAt
                )
                : try await sessions.turnContext(key: request.sessionKey, agentId: agent.id, nowMs: startedAt, limit: config.historyLimit)
        } catch {
            logger.error("could not read the session", metadata: ["error.type": "\(type(of: error))"])
            return fail(handle, message: "could not read the session transcript; see the gateway log", startedAt: startedAt)
        }
        let verbose = session.settings["verboseLevel"]?.stringValue == "full"
        let events = RunEvents(
            request: request, agentId: agent.id, includeToolResults: verbose, throttleMs: config.chatDeltaThrottleMs, bus: bus, clock: clock, activity: activity)
        let transcript = TranscriptWriter(
            store: sessions, sessionId: session.sessionId, runId: request.runId, flushMs: max(config.chatDeltaThrottleMs, 50), clock: clock,
            holdsFinalTurn: request.journaled || request.handsOverAnswer
        )
        events.lifecycle("start", extra: ["startedAt": .int(startedAt), "agentId": .string(agent.id)])
        logger.info("run started", metadata: ["sb.agent": "\(agent.id)"])

        // Right after start-up, let MCP servers finish their first start so their tools are offered.
        if agent.runner == nil { await mcp.waitUntilStarted(timeout: .seconds(30)) }
        let engine: any AgentEngine
        do {
            engine = try makeEngine(agent: agent, session: session, request: request)
        } catch let error as ProviderError {
            return finish(handle, events: events, startedAt: startedAt, ending: .failed(error.message, kind: error.chatErrorKind), logger: logger)
        } catch {
            return finish(handle, events: events, startedAt: startedAt, ending: .failed("could not prepare the run", kind: "unknown"), logger: logger)
        }

        let messages: [AgentMessage] = [.system(systemPrompt(agent: agent, request: request))] + TranscriptContext.messages(from: entries)
        let context = ToolContext(runId: request.runId, sessionKey: request.sessionKey, workspace: workspace, logger: logger)
        let timeoutMs = request.timeoutMs
        let throttle = config.chatDeltaThrottleMs
        let relay = request.observer.map(RunObserverRelay.init)
        relay?.started(runId: request.runId)

        var ending: Ending = await withTaskGroup(of: Ending?.self) { group in
            group.addTask {
                do {
                    let outcome = try await engine.run(messages: messages, context: context) { step in
                        relay?.step(step)
                        switch step {
                        case .textDelta(let delta):
                            events.append(delta)
                            try await transcript.append(delta)
                        case .assistantTurn(let turn, let usage, let stop):
                            events.flush()
                            try await transcript.completeTurn(turn, usage: usage, stopReason: stop)
                        case .toolStarted(let call):
                            events.toolStarted(call)
                        case .toolFinished(let call, let output, let ms):
                            events.toolFinished(call, output: output, durationMs: ms)
                            try await transcript.toolResult(call, output: output)
                        }
                    }
                    return .finished(outcome)
                } catch is CancellationError {
                    return nil
                } catch let error as ProviderError {
                    return .failed(error.message, kind: error.chatErrorKind)
                } catch {
                    if Task.isCancelled { return nil }
                    return .failed("the run failed (\(type(of: error))); see the gateway log", kind: "unknown")
                }
            }
            group.addTask {
                await handle.abortSignal.wait()
                return Task.isCancelled ? nil : .aborted
            }
            group.addTask {
                // One timer task for both the run's deadline and the throttle's flush of
                // held-back text (each child task costs thread hops on every turn).
                let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
                while !Task.isCancelled {
                    let left = deadline - ContinuousClock.now
                    if left <= .zero { return .timedOut }
                    try? await Task.sleep(for: throttle > 0 ? min(left, .milliseconds(throttle)) : left)
                    if Task.isCancelled { return nil }
                    events.flush()
                }
                return nil
            }
            var ending: Ending = .aborted
            while let next = await group.next() {
                if let next {
                    ending = next
                    break
                }
            }
            group.cancelAll()
            return ending
        }
        var recorded = false
        var handedOver: HandedOverAnswer?
        if case .finished(let outcome) = ending, let reply = transcript.takeHeldReply() {
            let usage =
                outcome.usage.input + outcome.usage.output > 0
                ? SessionUsage(sessionKey: request.sessionKey, input: outcome.usage.input, output: outcome.usage.output) : nil
            if request.handsOverAnswer {
                handedOver = HandedOverAnswer(reply: reply, usage: usage)
                recorded = true
            } else {
                // The answer, the journal's outcome and the tokens in one commit, before the final event.
                do {
                    try await journal.markDone(runId: request.runId, outcome: RunResult.Status.ok.rawValue, summary: nil, usage: usage, reply: reply, nowMs: clock.nowMs())
                    recorded = true
                } catch {
                    logger.error("could not save the answer", metadata: ["error.type": "\(type(of: error))"])
                    ending = .failed("could not save the answer; see the gateway log", kind: "unknown")
                }
            }
        }
        if case .finished = ending {} else {
            let reason: String = switch ending {
            case .timedOut: "timeout"
            case .aborted: handle.abortReason ?? "rpc"
            default: "error"
            }
            do { try await transcript.interrupt(stopReason: reason) } catch {
                logger.error("could not save the partial answer", metadata: ["error.type": "\(type(of: error))"])
            }
        }
        if case .timedOut = ending { handle.abort(reason: "timeout") }
        // Otherwise the outcome and the tokens are recorded by ``journalFinished``.
        var result = finish(handle, events: events, startedAt: startedAt, ending: ending, logger: logger)
        result.outcomeRecorded = recorded
        result.handedOver = handedOver
        return result
    }

    private func finish(_ handle: RunHandle, events: RunEvents, startedAt: Int, ending: Ending, logger: Logger) -> RunResult {
        let ended = clock.nowMs()
        let result: RunResult
        switch ending {
        case .finished(let outcome):
            result = RunResult(
                status: .ok, text: outcome.text, stopReason: outcome.stopReason, usage: outcome.usage, toolCalls: outcome.toolCalls,
                startedAtMs: startedAt, endedAtMs: ended
            )
        case .failed(let message, let kind):
            result = RunResult(
                status: .error, text: events.text, stopReason: "error", errorMessage: message, errorKind: kind, usage: TokenUsage(), toolCalls: 0,
                startedAtMs: startedAt, endedAtMs: ended
            )
        case .aborted, .timedOut:
            let reason = { if case .timedOut = ending { return "timeout" } else { return handle.abortReason ?? "rpc" } }()
            result = RunResult(status: .aborted, text: events.text, stopReason: reason, usage: TokenUsage(), toolCalls: 0, startedAtMs: startedAt, endedAtMs: ended)
        }
        events.finish(result)
        logger.info(
            "run finished",
            metadata: [
                "sb.status": "\(result.status.rawValue)", "sb.stop": "\(result.stopReason ?? "")", "sb.duration.ms": "\(ended - startedAt)",
                "sb.tokens.in": "\(result.usage.input)", "sb.tokens.out": "\(result.usage.output)",
            ]
        )
        return result
    }

    private func fail(_ handle: RunHandle, message: String, startedAt: Int) -> RunResult {
        let events = RunEvents(request: handle.request, agentId: handle.request.agentId, includeToolResults: false, throttleMs: 0, bus: bus, clock: clock, activity: activity)
        let result = RunResult(status: .error, text: "", errorMessage: message, errorKind: "unknown", usage: TokenUsage(), toolCalls: 0, startedAtMs: startedAt, endedAtMs: clock.nowMs())
        events.finish(result)
        return result
    }

    func makeEngine(agent: AgentDefinition, session: SessionRecord, request: RunRequest) throws -> any AgentEngine {
        if let runner = agent.runner { return ExternalAgentRunner(settings: runner, agentId: agent.id) }
        let model = try catalog.resolve(request.model ?? session.settings["model"]?.stringValue ?? agent.model)
        var tools = ToolRegistry(builtinTools)
        for tool in mcp.tools { tools.add(tool) }
        for source in toolSources {
            for tool in source.tools { tools.add(tool) }
        }
        return AgentLoop(
            model: model, tools: tools, limits: AgentLoopLimits(maxToolIterations: config.maxToolIterations, maxContinuations: config.maxContinuations)
        )
    }

    func systemPrompt(agent: AgentDefinition, request: RunRequest) -> String {
        var parts = [config.systemPrompt ?? Self.defaultSystemPrompt]
        if let name = agent.name { parts.append("Your name is \(name).") }
        if let prompt = agent.systemPrompt { parts.append(prompt) }
        if let extra = request.extraSystemPrompt, !extra.isEmpty { parts.append(extra) }
        return parts.joined(separator: "\n\n")
    }
}
