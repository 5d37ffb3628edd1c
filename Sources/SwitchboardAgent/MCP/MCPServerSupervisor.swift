import Foundation
public import Logging
public import MCP
import Subprocess
import Synchronization
import SwitchboardProtocol
import SystemPackage

/// Keeps one stdio MCP server running: spawns it, lists its tools, serves calls, and restarts
/// it with exponential backoff when it exits. A call that meets a dead server fails as a tool
/// error; the run that made it goes on.
public final class MCPServerSupervisor: Sendable {
    public let settings: MCPServerSettings
    let clientVersion: String
    let logger: Logger

    /// Backoff after a crash: 1 s doubling to `maxBackoffMs`; reset once the server stayed up a minute.
    public static let maxBackoffMs = 60_000
    static let stableAfter = Duration.seconds(60)

    private struct Live: Sendable {
        var client: Client
        var exited: OneShotSignal
    }

    private struct State {
        var live: Live?
        var status: MCPServerStatus
        var tools: [MCP.Tool] = []
        var started = OneShotSignal()
        /// Raised (and replaced) on every status change.
        var changed = OneShotSignal()
    }

    /// Applies `change` to the state and wakes status waiters.
    private func update(_ change: (inout State) -> Void) {
        let signal = state.withLock { state -> OneShotSignal in
            change(&state)
            defer { state.changed = OneShotSignal() }
            return state.changed
        }
        signal.raise()
    }

    /// Waits until `predicate` holds for the status, or `timeout` passes; returns whether it held.
    public func waitForStatus(timeout: Duration, _ predicate: @escaping @Sendable (MCPServerStatus) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (status, signal) = state.withLock { ($0.status, $0.changed) }
            if predicate(status) { return true }
            await waitAtMost(until: deadline) { await signal.wait() }
        }
        return predicate(status)
    }

    private let state: Mutex<State>

    public init(settings: MCPServerSettings, clientVersion: String, logger: Logger) {
        self.settings = settings
        self.clientVersion = clientVersion
        var logger = logger
        logger[metadataKey: "sb.mcp.server"] = "\(settings.name)"
        self.logger = logger
        state = Mutex(State(status: MCPServerStatus(name: settings.name, state: .starting, tools: [], restarts: 0)))
    }

    public var status: MCPServerStatus { state.withLock { $0.status } }

    /// Tools known from the last successful listing (kept while the server restarts, so a call
    /// gets a clear error instead of the tool silently vanishing).
    public var tools: [MCP.Tool] { state.withLock { $0.tools } }

    /// Waits until the first start attempt finished (successfully or not) or `timeout` passed.
    public func waitUntilStarted(timeout: Duration) async {
        let signal = state.withLock { $0.started }
        await waitAtMost(timeout) { await signal.wait() }
    }

    /// Runs until cancelled, restarting the server whenever it exits.
    public func run() async {
        var backoffMs = 1000
        while !Task.isCancelled {
            let startedAt = ContinuousClock.now
            let reason = await runOnce()
            let wasStarted = state.withLock { $0.started }
            update { state in
                state.live = nil
                state.status.state = Task.isCancelled ? .stopped : .restarting
                state.status.lastError = reason
                state.status.pid = nil
            }
            wasStarted.raise()
            if Task.isCancelled { return }
            if ContinuousClock.now - startedAt > Self.stableAfter { backoffMs = 1000 }
            logger.warning("MCP server exited; restarting", metadata: ["sb.reason": "\(reason)", "sb.retry.ms": "\(backoffMs)"])
            try? await Task.sleep(for: .milliseconds(backoffMs))
            backoffMs = min(backoffMs * 2, Self.maxBackoffMs)
            update { $0.status.restarts += 1 }
        }
    }

    /// One lifetime of the child process; returns why it ended.
    private func runOnce() async -> String {
        let toChild: CloexecPipe
        let fromChild: CloexecPipe
        do {
            toChild = try CloexecPipe()
            fromChild = try CloexecPipe()
        } catch {
            return "could not create pipes: \(error)"
        }
        let ours = (read: fromChild.readEnd, write: toChild.writeEnd)
        defer {
            try? ours.read.close()
            try? ours.write.close()
        }
        let options = ChildCommand.platformOptions
        let environment = ChildCommand.environment(adding: settings.env)
        let executable = ChildCommand.executable(settings.command)
        do {
            let result = try await Subprocess.run(
                executable, arguments: Arguments(settings.args), environment: environment,
                workingDirectory: settings.cwd.map { FilePath($0) }, platformOptions: options,
                input: .fileDescriptor(toChild.readEnd, closeAfterSpawningProcess: true),
                output: .fileDescriptor(fromChild.writeEnd, closeAfterSpawningProcess: true),
                error: .sequence
            ) { execution in
                await self.serve(execution: execution, input: ours.read, output: ours.write)
            }
            return result.closureResult ?? "exited (\(result.terminationStatus))"
        } catch {
            if Task.isCancelled { return "stopped" }
            return "could not start \(settings.command): \(error)"
        }
    }

    /// Connects the MCP client, publishes the tools, then waits for the process to end
    /// (its stderr reaching EOF). Returns a failure reason, or nil on a normal exit.
    private func serve(execution: Execution<FileDescriptorInput, FileDescriptorOutput, SequenceOutput>, input: FileDescriptor, output: FileDescriptor) async -> String? {
        let exited = OneShotSignal()
        let client = Client(name: "switchboard", version: clientVersion)
        let transport = StdioTransport(input: input, output: output, logger: logger)
        return await withTaskGroup(of: String?.self) { group in
            group.addTask {
                // Drains stderr into the log; EOF means the process is gone.
                do {
                    for try await line in execution.standardError.strings() {
                        self.logger.debug("MCP server stderr", metadata: ["sb.line": "\(line.prefix(500))"])
                    }
                } catch {}
                exited.raise()
                return nil
            }
            group.addTask {
                do {
                    let tools = try await Self.withDeadline(
                        .milliseconds(self.settings.startTimeoutMs), until: exited, onGiveUp: { await client.disconnect() }
                    ) {
                        try await client.connect(transport: transport)
                        var all: [MCP.Tool] = []
                        var cursor: String?
                        repeat {
                            let page = try await client.listTools(cursor: cursor)
                            all += page.tools
                            cursor = page.nextCursor
                        } while cursor != nil && all.count < 1000
                        return all
                    }
                    let started = self.state.withLock { $0.started }
                    self.update { state in
                        state.live = Live(client: client, exited: exited)
                        state.tools = tools
                        state.status.state = .running
                        state.status.tools = tools.map(\.name)
                        state.status.lastError = nil
                        state.status.pid = execution.processIdentifier.value
                    }
                    started.raise()
                    self.logger.info("MCP server ready", metadata: ["sb.tools": "\(tools.count)"])
                    return nil
                } catch {
                    exited.raise()
                    return "start failed: \(Self.describe(error))"
                }
            }
            var reason: String?
            while let result = await group.next() {
                if let result { reason = result }
                if exited.isRaised { break }
            }
            await exited.wait()
            self.state.withLock { $0.live = nil }
            await client.disconnect()
            await execution.teardown(using: [.gracefulShutDown(allowedDurationToNextStep: .seconds(2))])
            group.cancelAll()
            return reason
        }
    }

    /// Calls `name` on the live server, failing fast when it is down or dies mid-call.
    public func callTool(_ name: String, arguments: [String: Value]) async throws -> (content: [MCP.Tool.Content], isError: Bool) {
        guard let live = state.withLock({ $0.live }) else {
            let status = self.status
            throw ToolFailure(
                "MCP server \"\(settings.name)\" is not running (\(status.state.rawValue)\(status.lastError.map { ": \($0)" } ?? "")); try again shortly"
            )
        }
        do {
            let request: RequestContext<CallTool.Result> = try await live.client.callTool(name: name, arguments: arguments)
            let result = try await Self.withDeadline(
                .milliseconds(settings.callTimeoutMs), until: live.exited,
                onGiveUp: { try? await live.client.cancelRequest(request.requestID, reason: "timed out") }
            ) {
                try await request.value
            }
            return (result.content, result.isError ?? false)
        } catch is DeadlineExceeded {
            throw ToolFailure("MCP tool \(name) on \"\(settings.name)\" took longer than \(settings.callTimeoutMs) ms")
        } catch is ServerExited {
            throw ToolFailure("MCP server \"\(settings.name)\" exited during the call to \(name); it is being restarted")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ToolFailure("MCP tool \(name) on \"\(settings.name)\" failed: \(Self.describe(error))")
        }
    }

    struct DeadlineExceeded: Error {}
    struct ServerExited: Error {}

    /// Runs `body`, giving up when `timeout` passes or `signal` is raised. `onGiveUp` must make
    /// `body` return (the SDK's requests ignore task cancellation), so the group can end.
    static func withDeadline<T: Sendable>(
        _ timeout: Duration, until signal: OneShotSignal, onGiveUp: @escaping @Sendable () async -> Void,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw DeadlineExceeded()
            }
            group.addTask {
                await signal.wait()
                if Task.isCancelled { return nil }
                throw ServerExited()
            }
            do {
                while let next = try await group.next() {
                    if let value = next {
                        group.cancelAll()
                        return value
                    }
                }
                throw CancellationError()
            } catch {
                group.cancelAll()
                await onGiveUp()
                throw error
            }
        }
    }

    static func describe(_ error: any Error) -> String {
        if let mcp = error as? MCPError { return mcp.localizedDescription }
        if error is DeadlineExceeded { return "timed out" }
        if error is ServerExited { return "the server exited" }
        return "\(error)"
    }
}
