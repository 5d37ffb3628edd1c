import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Config for a gateway with the fake model and the Signal connector on the fake signal-cli daemon.
func signalConfig(_ model: FakeModelServer, _ daemon: FakeSignalDaemon, access: String = "dmPolicy: \"open\"", extra: String = "") -> String {
    modelConfig(
        model,
        extra: """
            channels: {
              telegram: { enabled: false },
              signal: { account: "\(FakeSignalDaemon.account)", daemon: "127.0.0.1:\(daemon.port)", \(access) \(extra.isEmpty ? "" : ", " + extra) },
              outbox: { retryBaseMs: 50, retryMaxMs: 1000 },
            },
            """
    )
}

@Suite("Signal channel (fake signal-cli JSON-RPC daemon)", .timeLimit(.minutes(3)))
struct SignalChannelTests {
    /// Waits until the connector has connected and subscribed.
    static func firstConnection(_ daemon: FakeSignalDaemon) async throws {
        _ = try await withTimeout(.seconds(20), "the subscription to signal-cli") { for await _ in daemon.subscriptions.stream { return } }
    }

    @Test("direct and group messages are answered through send (recipient or groupId); groups need an allowlist and a mention; status shows the account")
    func directAndGroups() async throws {
        try await FakeModelServer.with { model in
            try await FakeSignalDaemon.with { daemon in
                model.setDefault(.echo)
                let config = signalConfig(model, daemon, access: #"dmPolicy: "open", groupAllowFrom: ["group:R3JvdXAx"]"#)
                try await TestGateway.with(config: config) { gateway in
                    try await Self.firstConnection(daemon)
                    await daemon.push(text: "hello signal", from: "+15557770000", name: "Ada")
                    try await daemon.waitForDelivered(1)
                    await daemon.push(text: "not for the bot", from: "+15557770000", groupId: "R3JvdXAx")
                    await daemon.push(text: "other group", from: "+15557770000", groupId: "T3RoZXI=", mention: true)
                    await daemon.push(text: "bot, answer here", from: "+15557770000", groupId: "R3JvdXAx", mention: true)
                    try await daemon.waitForDelivered(2)
                    #expect(daemon.sent == [
                        .init(target: "+15557770000", message: "echo: hello signal"), .init(target: "group:R3JvdXAx", message: "echo: bot, answer here"),
                    ])
                    #expect(model.requests.count == 2)
                    let status = try await gateway.withClient { client in try await client.call(ChannelsStatus.self, .init()) }
                    let account = try #require(status.channelAccounts["signal"]?.first)
                    #expect(account["name"] == .string(FakeSignalDaemon.account) && account["connected"] == true)
                    #expect(account["daemon"]?.stringValue?.contains("external at 127.0.0.1:\(daemon.port)") == true)
                }
            }
        }
    }

    @Test("a dropped daemon connection is reconnected; a failed send is retried; the reply arrives once")
    func reconnectAndRetry() async throws {
        try await FakeModelServer.with { model in
            try await FakeSignalDaemon.with { daemon in
                model.setDefault(.echo)
                daemon.scriptSends(.error(code: -1, message: "Failed to send message"))
                try await TestGateway.with(config: signalConfig(model, daemon)) { _ in
                    var connections = daemon.subscriptions.stream.makeAsyncIterator()
                    #expect(await connections.next() == 1)
                    await daemon.push(text: "first", from: "+15550000001")
                    try await daemon.waitForDelivered(1)
                    await daemon.dropClients()
                    #expect(await connections.next() == 2)
                    await daemon.push(text: "after the reconnect", from: "+15550000001")
                    try await daemon.waitForDelivered(2)
                    #expect(daemon.sent.map(\.message) == ["echo: first", "echo: after the reconnect"])
                }
            }
        }
    }

    @Test("with cliPath the gateway starts signal-cli as `-a <account> daemon --tcp <host:port>` and restarts it when it dies")
    func supervisesTheDaemon() async throws {
        try await FakeModelServer.with { model in
            try await FakeSignalDaemon.with { daemon in
                let dir = TestGateway.makeTemporaryDirectory()
                defer { try? FileManager.default.removeItem(atPath: dir) }
                // A stand-in for signal-cli: says how it was started, then waits to be stopped.
                let script = dir + "/signal-cli"
                let startLog = dir + "/started.log"
                try "#!/bin/sh\nn=$(wc -l < \(startLog))\necho \"start #$((n + 1)): $*\" >> \(startLog)\nexec sleep 600\n".write(toFile: script, atomically: true, encoding: .utf8)
                chmod(script, 0o755)
                #expect(FileManager.default.createFile(atPath: startLog, contents: nil))
                let log = try ChildProcess(executable: "/usr/bin/tail", arguments: ["-n", "+1", "-F", startLog], environment: [:])
                defer { log.terminate() }
                try await TestGateway.with(config: signalConfig(model, daemon, extra: "cliPath: \"\(script)\"")) { gateway in
                    let first = try await log.waitForLine(containing: "start #1:", timeout: .seconds(20))
                    #expect(first.hasSuffix("start #1: -a \(FakeSignalDaemon.account) daemon --tcp 127.0.0.1:\(daemon.port) --receive-mode manual"))
                    try await Self.firstConnection(daemon)
                    let status = try await gateway.withClient { client in try await client.call(ChannelsStatus.self, .init()) }
                    let state = try #require(status.channelAccounts["signal"]?.first?["daemon"]?.stringValue)
                    let pid = try #require(state.firstMatch(of: /pid (\d+)/).flatMap { Int32($0.1) })
                    let gatewayLog = try ChildProcess(executable: "/usr/bin/tail", arguments: ["-n", "+1", "-F", gateway.logFile], environment: [:])
                    defer { gatewayLog.terminate() }
                    kill(pid, SIGKILL)
                    _ = try await gatewayLog.waitForLine(containing: "signal-cli exited; restarting", timeout: .seconds(20))
                    _ = try await log.waitForLine(containing: "start #2:", timeout: .seconds(20))
                    let starts = try String(contentsOfFile: startLog, encoding: .utf8).split(separator: "\n")
                    #expect(starts.count == 2, "\(starts)")
                }
            }
        }
    }
}
