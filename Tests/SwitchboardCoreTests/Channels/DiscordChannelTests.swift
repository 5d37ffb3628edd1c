import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// Config for a gateway with the fake model and the Discord connector on the fake Discord.
func discordConfig(_ model: FakeModelServer, _ discord: FakeDiscordServer, access: String = "dmPolicy: \"open\"", discordExtra: String = "") -> String {
    modelConfig(
        model,
        extra: """
            channels: {
              telegram: { enabled: false },
              discord: { botToken: "\(FakeDiscordServer.token)", gatewayUrl: "\(discord.gatewayURL)", apiBaseUrl: "\(discord.apiBaseURL)", \(access) \(discordExtra.isEmpty ? "" : ", " + discordExtra) },
              outbox: { retryBaseMs: 50, retryMaxMs: 1000 },
            },
            """
    )
}

@Suite("Discord channel (fake Discord gateway and REST API)", .timeLimit(.minutes(3)))
struct DiscordChannelTests {
    @Test("identify with the message-content intent; a DM is answered in its channel as a reply; channels.status shows the bot")
    func directMessage() async throws {
        try await FakeModelServer.with { model in
            try await FakeDiscordServer.with { discord in
                model.enqueue(.text(["Hello ", "from the agent"]))
                try await TestGateway.with(config: discordConfig(model, discord)) { gateway in
                    let opening = try await withTimeout(.seconds(20), "identify") { () -> FakeDiscordServer.Opening? in
                        for await opening in discord.openings.stream { return opening }
                        return nil
                    }
                    guard case .identify(let token, let intents)? = opening else { Issue.record("expected identify, got \(String(describing: opening))"); return }
                    #expect(token == FakeDiscordServer.token && intents & (1 << 15) != 0 && intents & (1 << 12) != 0 && intents & (1 << 9) != 0)
                    await discord.push(content: "hi there", authorId: "42", authorName: "ada", channelId: "dm-42")
                    try await discord.waitForDelivered(1)
                    let sent = try #require(discord.sent.first)
                    #expect(sent.channelId == "dm-42" && sent.content == "Hello from the agent" && sent.replyTo != nil)
                    #expect(GatewayJSON.string(try #require(model.requests.first)).contains("hi there"))
                    // send goes through the connector too, once per idempotency key.
                    let proactive = try await gateway.withClient { client in
                        try await client.call(Send.self, .init(to: "dm-42", message: "a proactive note", channel: "discord", idempotencyKey: "note-1"))
                    }
                    #expect(proactive.channel == "discord" && proactive.chatId == "dm-42")
                    #expect(discord.sent.last?.content == "a proactive note" && discord.sent.count == 2)
                    let status = try await gateway.withClient { client in try await client.call(ChannelsStatus.self, .init()) }
                    #expect(status.channelOrder.contains("discord"))
                    #expect(status.channelAccounts["discord"]?.first?["name"] == .string(FakeDiscordServer.botName))
                    #expect(status.channels["discord"]?["connected"] == true)
                }
            }
        }
    }

    @Test("guilds: answered only when mentioned, inside the guild/channel/role allowlists; the mention is removed from the prompt")
    func guildRules() async throws {
        try await FakeModelServer.with { model in
            try await FakeDiscordServer.with { discord in
                model.enqueue(.text(["answered once"]))
                let extra = #"guilds: ["g1"], roles: ["r-ok"]"#
                try await TestGateway.with(config: discordConfig(model, discord, discordExtra: extra)) { _ in
                    _ = try await withTimeout(.seconds(20), "identify") { for await _ in discord.openings.stream { return } }
                    await discord.push(content: "no mention", authorId: "1", channelId: "c1", guildId: "g1", roles: ["r-ok"])
                    await discord.push(content: "other guild", authorId: "1", channelId: "c9", guildId: "g2", mention: true, roles: ["r-ok"])
                    await discord.push(content: "wrong role", authorId: "1", channelId: "c1", guildId: "g1", mention: true, roles: ["r-no"])
                    await discord.push(content: "please answer", authorId: "1", channelId: "c1", guildId: "g1", mention: true, roles: ["r-ok"])
                    try await discord.waitForDelivered(1)
                    #expect(discord.sent.map(\.channelId) == ["c1"])
                    #expect(model.requests.count == 1)
                    let prompt = GatewayJSON.string(try #require(model.requests.first))
                    #expect(prompt.contains("please answer") && !prompt.contains("<@\(FakeDiscordServer.botId)>"))
                }
            }
        }
    }

    @Test("a dropped connection resumes with session_id and seq; a message sent meanwhile is replayed and answered once; op 9 makes it identify again")
    func resume() async throws {
        try await FakeModelServer.with { model in
            try await FakeDiscordServer.with { discord in
                model.setDefault(.text(["ok"]))
                try await TestGateway.with(config: discordConfig(model, discord)) { _ in
                    var openings = discord.openings.stream.makeAsyncIterator()
                    let first = await openings.next()
                    guard case .identify? = first else { Issue.record("expected identify first"); return }
                    await discord.push(content: "before the drop", authorId: "7", channelId: "dm-7")
                    try await discord.waitForDelivered(1)
                    await discord.drop()
                    await discord.push(content: "while away", authorId: "7", channelId: "dm-7")
                    let second = await openings.next()
                    guard case .resume(_, let seq)? = second else { Issue.record("expected resume, got \(String(describing: second))"); return }
                    #expect(seq != nil)
                    try await discord.waitForDelivered(2)
                    #expect(model.requests.count == 2 && GatewayJSON.string(model.requests[1]).contains("while away"))

                    await discord.invalidateSession(resumable: false)
                    let third = await openings.next()
                    guard case .identify? = third else { Issue.record("expected identify after op 9, got \(String(describing: third))"); return }
                    await discord.push(content: "after a new session", authorId: "7", channelId: "dm-7")
                    try await discord.waitForDelivered(3)
                    #expect(model.requests.count == 3)
                }
            }
        }
    }

    @Test("a missed heartbeat ACK closes the zombie connection and resumes")
    func heartbeatWatchdog() async throws {
        try await FakeModelServer.with { model in
            try await FakeDiscordServer.with { discord in
                discord.setHeartbeat(intervalMs: 150, ack: false)
                try await TestGateway.with(config: discordConfig(model, discord)) { gateway in
                    let openings = discord.openings.stream
                    do {
                        let sequence = try await withTimeout(.seconds(20), "identify, then a resume after the missed ACK") { () -> [FakeDiscordServer.Opening] in
                            var seen: [FakeDiscordServer.Opening] = []
                            for await opening in openings {
                                seen.append(opening)
                                if seen.count == 2 { break }
                            }
                            return seen
                        }
                        guard case .identify = sequence[0], case .resume = sequence[1] else { Issue.record("expected identify then resume, got \(sequence)"); return }
                    } catch {
                        Issue.record("the gateway log: \((try? String(contentsOfFile: gateway.logFile, encoding: .utf8)) ?? "")")
                        throw error
                    }
                    #expect(discord.heartbeats >= 1)
                }
            }
        }
    }

    @Test("429 (route and global) is waited out; a long reply is split at 2,000 characters with its code fence closed and reopened")
    func rateLimitsAndSplitting() async throws {
        try await FakeModelServer.with { model in
            try await FakeDiscordServer.with { discord in
                let code = (0..<120).map { "let value\($0) = \($0) // a line of code" }.joined(separator: "\n")
                model.enqueue(.text(["Here:\n```swift\n" + code + "\n```\nDone."]))
                discord.scriptSends(.rateLimited(retryAfter: 0.2, global: false), .ok, .rateLimited(retryAfter: 0.1, global: true))
                try await TestGateway.with(config: discordConfig(model, discord)) { _ in
                    _ = try await withTimeout(.seconds(20), "identify") { for await _ in discord.openings.stream { return } }
                    await discord.push(content: "show me code", authorId: "5", channelId: "dm-5")
                    try await discord.waitForDelivered(3)
                    let parts = discord.sent
                    #expect(parts.count >= 3 && parts.allSatisfy { $0.content.count <= 2000 })
                    #expect(parts.allSatisfy { $0.content.components(separatedBy: "```").count % 2 == 1 }, "every part's fences are balanced")
                    #expect(discord.sendAttempts == parts.count + 2)
                    #expect(parts.map(\.content).joined().contains("let value119 = 119"))
                }
            }
        }
    }

    @Test("a wrong token is refused with close 4004: the connector says so in channels.status and stops trying; the gateway keeps running")
    func wrongToken() async throws {
        try await FakeModelServer.with { model in
            try await FakeDiscordServer.with { discord in
                let config = discordConfig(model, discord).replacingOccurrences(of: FakeDiscordServer.token, with: "wrong-token")
                try await TestGateway.with(config: config) { gateway in
                    _ = try await withTimeout(.seconds(20), "identify") { for await _ in discord.openings.stream { return } }
                    // The gateway's own log says when the connector gave up.
                    let log = try ChildProcess(executable: "/usr/bin/tail", arguments: ["-n", "+1", "-F", gateway.logFile], environment: [:])
                    defer { log.terminate() }
                    _ = try await log.waitForLine(containing: "Discord connector stopped", timeout: .seconds(20))
                    let status = try await gateway.withClient { client in try await client.call(ChannelsStatus.self, .init()) }
                    #expect(status.channels["discord"]?["lastError"]?.stringValue?.contains("close 4004") == true)
                    #expect(status.channels["discord"]?["connected"] == false)
                    let health = try await gateway.withClient { client in try await client.call(Health.self, .init()) }
                    #expect(health.ok)
                }
            }
        }
    }

    @Test("DM pairing: a stranger gets a code, approval is announced and lets them in; channels.logout removes the token from the config")
    func pairingAndLogout() async throws {
        try await FakeModelServer.with { model in
            try await FakeDiscordServer.with { discord in
                model.setDefault(.echo)
                let stateDir = TestGateway.makeTemporaryDirectory()
                defer { try? FileManager.default.removeItem(atPath: stateDir) }
                try await TestGateway.with(config: discordConfig(model, discord, access: ""), stateDir: stateDir) { gateway in
                    _ = try await withTimeout(.seconds(20), "identify") { for await _ in discord.openings.stream { return } }
                    await discord.push(content: "hello?", authorId: "77", authorName: "grace", channelId: "dm-77")
                    try await discord.waitForDelivered(1)
                    let code = try #require(discord.sent[0].content.firstMatch(of: /approve discord ([A-Z0-9]{8})/).map { String($0.1) })
                    #expect(model.requests.isEmpty)
                    try await gateway.withClient { client in
                        _ = try await client.call(ChannelsPairingApprove.self, .init(channel: "discord", code: code))
                    }
                    try await discord.waitForDelivered(2)
                    #expect(discord.sent[1].content.contains("approved") && discord.sent[1].channelId == "dm-77")
                    await discord.push(content: "now answer me", authorId: "77", channelId: "dm-77")
                    try await discord.waitForDelivered(3)
                    #expect(discord.sent[2].content == "echo: now answer me")

                    // An unknown channel is named in the refusal (asked first: the logout below restarts the gateway).
                    let unknown = await #expect(throws: GatewayClientError.self) {
                        try await gateway.withClient { client in try await client.call(ChannelsLogout.self, .init(channel: "whatsapp")) }
                    }
                    #expect(unknown?.description.contains("channel: expected one of discord, signal, slack, telegram") == true)
                    let logout = try await gateway.withClient { client in try await client.call(ChannelsLogout.self, .init(channel: "discord")) }
                    #expect(logout.cleared && logout.loggedOut && logout.removed == ["channels.discord.botToken"] && logout.envToken == nil)
                    let file = try String(contentsOfFile: stateDir + "/switchboard.json", encoding: .utf8)
                    #expect(!file.contains(FakeDiscordServer.token) && file.contains("gatewayUrl"))
                }
            }
        }
    }

    @Test("streamEdits: the answer is posted at its first text and edited into the final one: one message, no second post")
    func streamedEdits() async throws {
        try await FakeModelServer.with { model in
            try await FakeDiscordServer.with { discord in
                let held = Gate()
                defer { held.open() }
                model.enqueue(.held(["Thinking about it, ", "the answer is 42."], until: held))
                try await TestGateway.with(config: discordConfig(model, discord, discordExtra: "streamEdits: true")) { _ in
                    _ = try await withTimeout(.seconds(20), "identify") { for await _ in discord.openings.stream { return } }
                    await discord.push(content: "what is it?", authorId: "8", channelId: "dm-8")
                    // The first text is posted while the rest is held.
                    try await discord.waitForDelivered(1)
                    let live = try #require(discord.sent.first)
                    #expect(live.content == "Thinking about it, …" && live.replyTo != nil)
                    held.open()
                    try await withTimeout(.seconds(20), "the final edit") {
                        for await _ in discord.edited.stream where discord.edits.last?.content == "Thinking about it, the answer is 42." { return }
                    }
                    #expect(discord.sent.count == 1 && discord.sent[0].content == "Thinking about it, the answer is 42.")
                    #expect(discord.edits.allSatisfy { $0.id == live.id })
                }
            }
        }
    }
}
