import Foundation
import SwitchboardPluginAPI
import SwitchboardProtocol
import SwitchboardStore
import SwitchboardTesting
import Testing

/// An answer promised to a chat (a webhook turn, a cron announce) whose run finished just
/// before a crash, with nothing yet in the outbox: the next start delivers it, once, in full.
@Suite(.timeLimit(.minutes(2)))
struct DeliveryRecoveryTests {
    @Test("a promise left by a crash after the run finished is delivered at the next start, with the full answer from the transcript")
    func promisedAnswerDeliveredAfterRestart() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let answer = "The full answer, longer than the journal's summary. " + String(repeating: "x", count: 2_100)
        do {
            // The database as a crash leaves it: the run done, its answer saved, the promise still there.
            let database = try GatewayDatabase(path: stateDir + "/switchboard.sqlite")
            let sessions = SQLiteSessionStore(database: database)
            let journal = SQLiteRunJournal(database: database, sessions: sessions)
            let now = Int(Date().timeIntervalSince1970 * 1000)
            let record = RunRecord(
                runId: "hook-crash", sessionKey: "agent:main:hook:crash", agentId: "main", origin: "agent", message: "summarise", timeoutMs: 60_000,
                acceptedAtMs: now, updatedAtMs: now)
            _ = try await journal.accept(record, userMessage: .text("summarise", role: "user", timestamp: now)) { _ in true }
            let session = try #require(try await sessions.session(key: "agent:main:hook:crash"))
            var reply = ChatMessage.text(answer, role: "assistant", timestamp: now)
            reply.runId = "hook-crash"
            try await journal.markDone(
                runId: "hook-crash", outcome: "ok", summary: String(answer.prefix(100)), usage: nil,
                reply: RunReply(sessionId: session.sessionId, entryId: nil, message: reply), nowMs: now)
            try await SQLiteDeliveryIntentStore(database: database).saveIntent(
                DeliveryIntent(runId: "hook-crash", agentId: "main", target: "telegram", to: "999", accountId: nil, idempotencyKey: "hook:hook-crash"), nowMs: now)
        }
        try await FakeModelServer.with { model in
            try await FakeTelegramServer.with { telegram in
                try await TestGateway.with(config: telegramConfig(model, telegram), stateDir: stateDir) { _ in
                    try await telegram.waitForDelivered(1)
                    #expect(telegram.sent.first?.chatId == "999")
                    #expect(telegram.sent.map(\.text).joined().hasPrefix("The full answer, longer than the journal's summary."))
                    #expect(telegram.sent.map(\.text).joined().count >= answer.count - 10, "the whole answer, not the journal's summary")
                }
                // Delivered once: a second start has nothing left to deliver.
                try await TestGateway.with(config: telegramConfig(model, telegram), stateDir: stateDir) { _ in }
                #expect(try await SQLiteDeliveryIntentStore(database: try GatewayDatabase(path: stateDir + "/switchboard.sqlite")).intents().isEmpty)
                #expect(telegram.sent.count == 1)
            }
        }
    }
}
