import Foundation
import Logging
import SwitchboardAgent
import SwitchboardProtocol
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `mcp-server-time` from PyPI (installed by scripts/test), over stdio.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct MCPTests {
    static var serverCommand: String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return paths.map { "\($0)/mcp-server-time" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func withServers<T: Sendable>(_ body: @Sendable (MCPServers) async throws -> T) async throws -> T {
        let command = try #require(Self.serverCommand, "mcp-server-time is not installed; run ./scripts/test, which installs it")
        let servers = MCPServers(
            settings: [MCPServerSettings(name: "time", command: command, args: ["--local-timezone", "UTC"], callTimeoutMs: 20_000)],
            clientVersion: "test", logger: Logger(label: "mcp-test")
        )
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await servers.run()
                return nil
            }
            defer { group.cancelAll() }
            let result = try await body(servers)
            group.cancelAll()
            while try await group.next() != nil {}
            return result
        }
    }

    @Test func toolsAreListedAndCalledAndACrashIsAToolErrorThenRestarted() async throws {
        try await withServers { servers in
            await servers.waitUntilStarted(timeout: .seconds(60))
            let supervisor = try #require(servers.supervisors.first)
            #expect(supervisor.status.state == .running)
            let tools = servers.tools
            let names = tools.map(\.definition.name)
            #expect(names.contains("time__get_current_time") && names.contains("time__convert_time"))
            let getTime = try #require(tools.first { $0.definition.name == "time__get_current_time" })
            #expect(getTime.definition.parameters["properties"]?["timezone"] != nil)
            let registry = ToolRegistry(tools)
            let context = ToolContext(runId: "r", sessionKey: "s", workspace: NSTemporaryDirectory(), logger: Logger(label: "t"))
            let output = try await registry.call(ToolCall(id: "1", name: "time__get_current_time", argumentsJSON: #"{"timezone":"Europe/Paris"}"#), context: context)
            #expect(!output.isError && output.text.contains("Europe/Paris"))
            let bad = try await registry.call(ToolCall(id: "2", name: "time__get_current_time", argumentsJSON: #"{"timezone":"Nowhere/City"}"#), context: context)
            #expect(bad.isError)

            let pid = try #require(supervisor.status.pid)
            kill(pid, SIGKILL)
            #expect(await supervisor.waitForStatus(timeout: .seconds(10)) { $0.state != .running })
            let during = try await registry.call(ToolCall(id: "3", name: "time__get_current_time", argumentsJSON: #"{"timezone":"UTC"}"#), context: context)
            #expect(during.isError && during.text.contains("MCP server \"time\""))
            #expect(await supervisor.waitForStatus(timeout: .seconds(60)) { $0.state == .running && $0.restarts >= 1 })
            let after = try await registry.call(ToolCall(id: "4", name: "time__get_current_time", argumentsJSON: #"{"timezone":"UTC"}"#), context: context)
            #expect(!after.isError && after.text.contains("UTC"))
        }
    }

    @Test func aServerThatCannotStartIsReportedNotFatal() async throws {
        let servers = MCPServers(
            settings: [MCPServerSettings(name: "ghost", command: "/nonexistent/mcp-ghost")], clientVersion: "test", logger: Logger(label: "mcp-test")
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await servers.run() }
            await servers.waitUntilStarted(timeout: .seconds(10))
            let status = try #require(servers.statuses.first)
            #expect(status.state == .restarting && status.lastError?.contains("could not start") == true)
            #expect(servers.tools.isEmpty)
            group.cancelAll()
        }
    }
}
