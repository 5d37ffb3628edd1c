import Foundation
import SwitchboardPluginAPI
import SwitchboardProtocol
@testable import SwitchboardStore
import SwitchboardTesting
import Testing

/// The journal's few commits per turn: accept (with its session), begin (running, with the
/// turn's context), done (with the tokens).
struct RunJournalTests {
    @Test("accept makes the session; a refused session writes nothing; begin marks running and reads the context; done adds the tokens")
    func aTurnsCommits() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try GatewayDatabase(path: directory + "/db.sqlite")
        let sessions = SQLiteSessionStore(database: database)
        let journal = SQLiteRunJournal(database: database, sessions: sessions)
        func record(_ id: String, key: String = "agent:main:j") -> RunRecord {
            RunRecord(runId: id, sessionKey: key, agentId: "main", origin: "chat", message: "hi \(id)", timeoutMs: 1000, acceptedAtMs: 10, updatedAtMs: 10)
        }

        let refused = try await journal.accept(record("r0", key: "agent:main:closed"), userMessage: .text("no", role: "user", timestamp: 10)) { _ in false }
        guard case .refused = refused else { Issue.record("expected refused, got \(refused)"); return }
        #expect(try await sessions.session(key: "agent:main:closed") == nil, "a refused message makes no session")
        #expect(try await journal.run(id: "r0") == nil)

        let accepted = try await journal.accept(record("r1"), userMessage: .text("hi r1", role: "user", timestamp: 10)) { _ in true }
        guard case .accepted(let run) = accepted else { Issue.record("expected accepted, got \(accepted)"); return }
        #expect(run.state == .queued)
        let again = try await journal.accept(record("r1"), userMessage: .text("hi r1", role: "user", timestamp: 10)) { _ in true }
        guard case .duplicate = again else { Issue.record("expected duplicate, got \(again)"); return }

        let (session, entries) = try await journal.begin(runId: "r1", sessionKey: "agent:main:j", agentId: "main", historyLimit: 10, nowMs: 20)
        #expect(session.key == "agent:main:j" && entries.map(\.message.text) == ["hi r1"], "the message is stored once")
        #expect(try await journal.run(id: "r1")?.state == .running)

        let reply = RunReply(sessionId: session.sessionId, entryId: nil, message: .text("hello", role: "assistant", timestamp: 25))
        try await journal.markDone(
            runId: "r1", outcome: "ok", summary: nil, usage: SessionUsage(sessionKey: "agent:main:j", input: 7, output: 5), reply: reply, nowMs: 30
        )
        #expect(try await journal.run(id: "r1")?.state == .done)
        let counted = try #require(try await sessions.session(key: "agent:main:j"))
        #expect(counted.inputTokens == 7 && counted.outputTokens == 5)
        let saved = try await sessions.transcript(sessionId: session.sessionId, limit: 10)
        #expect(saved.map(\.message.text) == ["hi r1", "hello"] && saved.last?.state == .complete, "the answer is saved with the outcome")
        #expect(try await journal.interruptRunning(nowMs: 40) == 0)

        // A streamed answer: its streaming entry is completed in place.
        _ = try await journal.accept(record("r2"), userMessage: .text("hi r2", role: "user", timestamp: 50)) { _ in true }
        _ = try await journal.begin(runId: "r2", sessionKey: "agent:main:j", agentId: "main", historyLimit: 10, nowMs: 51)
        let streaming = try await sessions.append(sessionId: session.sessionId, message: .text("par", role: "assistant", timestamp: 52), state: .streaming)
        let whole = RunReply(sessionId: session.sessionId, entryId: streaming, message: .text("partial no more", role: "assistant", timestamp: 52))
        try await journal.markDone(runId: "r2", outcome: "ok", summary: nil, usage: nil, reply: whole, nowMs: 60)
        let after = try await sessions.transcript(sessionId: session.sessionId, limit: 10)
        #expect(after.map(\.message.text) == ["hi r1", "hello", "hi r2", "partial no more"] && after.last?.id == streaming && after.last?.state == .complete)
    }

    @Test("a channel message's completion saves the run's answer and tokens and queues the reply, in one commit")
    func channelCompletion() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try GatewayDatabase(path: directory + "/db.sqlite")
        let sessions = SQLiteSessionStore(database: database)
        let channels = SQLiteChannelStore(database: database)
        let inbound = InboundRecord(
            id: 0, connector: "telegram", channel: "telegram", accountId: "default", platformMessageId: "m1", sessionKey: "agent:main:telegram:1",
            target: "1", senderId: "1", senderName: nil, text: "hi", receivedAtMs: 1, state: .pending
        )
        let stored = try #require(try await channels.recordInbound(inbound, cursor: nil))
        #expect(stored.ahead == 0)
        var question = ChatMessage.text("hi", role: "user", timestamp: 1)
        question.id = "inbound-1"
        let (session, _) = try await sessions.appendUnlessPresent(key: inbound.sessionKey, agentId: "main", message: question, within: 20, nowMs: 1)
        let answer = RunReply(sessionId: session.sessionId, entryId: nil, message: .text("hello", role: "assistant", timestamp: 2))
        let reply = NewOutboxMessage(idempotencyKey: "reply:m1", connector: "telegram", channel: "telegram", accountId: "default", target: "1", text: "hello", replyTo: "m1")
        try await channels.completeInbound(
            id: stored.record.id, reply: reply, answer: answer, usage: SessionUsage(sessionKey: inbound.sessionKey, input: 3, output: 4), nowMs: 3
        )
        #expect(try await sessions.transcript(sessionId: session.sessionId, limit: 10).map(\.message.text) == ["hi", "hello"])
        let counted = try #require(try await sessions.session(key: inbound.sessionKey))
        #expect(counted.inputTokens == 3 && counted.outputTokens == 4)
        #expect(try await channels.outbox(idempotencyKey: "reply:m1") != nil)
        #expect(try await channels.nextPendingInbound(sessionKey: inbound.sessionKey) == nil)
    }
}
