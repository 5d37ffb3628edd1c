import Foundation
import Synchronization
import SwitchboardTesting

/// `telegram`: the main job through the Telegram connector — an inbound update on the fake Bot
/// API (long-polled by the gateway) → the reply's `sendMessage`, the gateway's real HTTP
/// client on both sides. Closed loops of 1, 20 and 200 users, a new sender per turn (fresh sessions) or one each;
/// set against `chat.send` on the same gateway at the same count.
struct TelegramScenario {
    let context: BenchContext

    func run() async throws {
        print("scenario telegram (\(ServerPinning.available ? "servers on CPU 0, load on the rest" : "not pinned"))")
        let seconds = max(2, context.options.secondsPerCell)
        try await ServerPinning.pinned {
            try await FakeModelServer.with { provider in
                provider.setDefault(.text((0..<TurnsScenario.chunks).map { "w\($0) " }))
                try await FakeTelegramServer.with(keepsSent: false) { telegram in
                    let channels = """
                        , channels: { telegram: { botToken: "\(FakeTelegramServer.token)", apiBaseUrl: "\(telegram.baseURL)", pollTimeoutSeconds: 30, dmPolicy: "open" } }
                        """
                    let replies = ReplyRouter()
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await sent in telegram.deliveries.stream { replies.delivered(chatId: sent.chatId) }
                        }
                        try await BenchTarget.gateway.with(context.options, label: "telegram", providerBaseURL: provider.baseURL, deltaThrottleMs: nil, extraTop: channels) { server, client in
                            for users in TurnsScenario.connectionCounts {
                                let chat = try await TurnsScenario.drivers(client, connections: users, handshake: true)
                                let reference = try await TurnMeasurement.measure(server: server, drivers: chat, fresh: true, seconds: seconds)
                                for driver in chat { await driver.close() }
                                for fresh in [true, false] {
                                    let drivers: [any TurnDriver] = (0..<users).map { TelegramTurner(telegram: telegram, replies: replies, user: $0) }
                                    let result = try await TurnMeasurement.measure(server: server, drivers: drivers, fresh: fresh, seconds: seconds)
                                    let label = "Telegram update → sendMessage, \(users) user\(users == 1 ? "" : "s"), \(fresh ? "fresh sessions" : "long sessions")"
                                    TurnMeasurement.report(context, scenario: "telegram", label: label, result, baseline: ("chat.send, same gateway, fresh", reference))
                                }
                            }
                        }
                        telegram.deliveries.continuation.finish()
                        try await group.waitForAll()
                    }
                }
            }
        }
    }
}

/// Wakes the user waiting for a reply in a chat.
final class ReplyRouter: Sendable {
    private let waiting = Mutex<[String: CheckedContinuation<Void, Never>]>([:])

    func wait(chatId: String, send: () -> Void) async {
        await withCheckedContinuation { continuation in
            waiting.withLock { $0[chatId] = continuation }
            send()
        }
    }

    func delivered(chatId: String) {
        waiting.withLock { $0.removeValue(forKey: chatId) }?.resume()
    }
}

/// One Telegram user: posts a message (as a new user, so a new session, per turn when fresh), waits for the reply.
struct TelegramTurner: TurnDriver {
    let telegram: FakeTelegramServer
    let replies: ReplyRouter
    let user: Int

    func loop(until stopAt: UInt64, fresh: Bool) async throws -> Samples {
        let userId = Int64(1_000_000 + user)
        let run = Int64.random(in: 1...1_000_000) * 1_000_000
        return try await TurnMeasurement.closedLoop(until: stopAt) { turn, _ in
            // A private chat's session is the sender's: a fresh session needs a new sender.
            let sender = fresh ? 9_000_000_000_000 + run + Int64(user) * 10_000 + Int64(turn) : userId
            await replies.wait(chatId: String(sender)) {
                telegram.push(text: "hello", fromUser: sender, name: "Bench", chatId: sender)
            }
        }
    }

    func close() async {}
}
