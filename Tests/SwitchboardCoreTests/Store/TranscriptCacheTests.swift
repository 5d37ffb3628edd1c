import Foundation
import SwitchboardPluginAPI
import SwitchboardProtocol
@testable import SwitchboardStore
import SwitchboardTesting
import Testing

/// The transcript read keeps decoded entries between turns; whatever changes a row must show.
struct TranscriptCacheTests {
    @Test("streamed, completed, interrupted, compacted and deleted rows read as stored, through a warm cache")
    func cachedReadsFollowEveryChange() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = SQLiteSessionStore(database: try GatewayDatabase(path: directory + "/db.sqlite"))
        let session = try await store.ensureSession(key: "agent:main:cache", agentId: "main", nowMs: 1)
        func texts() async throws -> [String] { try await store.transcript(sessionId: session.sessionId, limit: 10).map(\.message.text) }

        _ = try await store.append(sessionId: session.sessionId, message: .text("question", role: "user", timestamp: 2), state: .complete)
        let streaming = try await store.append(sessionId: session.sessionId, message: .text("ans", role: "assistant", timestamp: 3), state: .streaming)
        #expect(try await texts() == ["question", "ans"])
        #expect(try await texts() == ["question", "ans"], "a warm read")
        try await store.update(entryId: streaming, message: .text("answer", role: "assistant", timestamp: 3), state: .streaming)
        #expect(try await texts() == ["question", "answer"])
        // Same text, new state: seen.
        try await store.update(entryId: streaming, message: .text("answer", role: "assistant", timestamp: 3), state: .complete)
        #expect(try await store.transcript(sessionId: session.sessionId, limit: 10).last?.state == .complete)
        let third = try await store.append(sessionId: session.sessionId, message: .text("more", role: "assistant", timestamp: 4), state: .streaming)
        _ = try await texts()
        #expect(try await store.markStreamingInterrupted() == 1)
        let entries = try await store.transcript(sessionId: session.sessionId, limit: 10)
        #expect(entries.last?.id == third && entries.last?.state == .interrupted && entries.last?.message.interrupted == true)
        #expect(try await store.compact(sessionId: session.sessionId, keep: 1) == 2)
        #expect(try await texts() == ["more"])
        #expect(try await store.transcript(sessionId: session.sessionId, limit: 1).count == 1)
        var inbound = ChatMessage.text("from a channel", role: "user", timestamp: 5)
        inbound.id = "inbound-1"
        #expect(try await store.appendUnlessPresent(key: "agent:main:cache", agentId: "main", message: inbound, within: 20, nowMs: 5).appended)
        #expect(try await !store.appendUnlessPresent(key: "agent:main:cache", agentId: "main", message: inbound, within: 20, nowMs: 6).appended, "appended once")
        #expect(try await texts() == ["more", "from a channel"])
        let (made, appended) = try await store.appendUnlessPresent(key: "agent:main:new", agentId: "main", message: inbound, within: 20, nowMs: 7)
        #expect(appended && made.key == "agent:main:new", "the session is made when missing")
    }

    @Test("the cache is bounded by entries and by bytes, and never keeps a large message")
    func bounded() {
        let cache = TranscriptRowCache()
        func entry(_ id: Int64) -> TranscriptEntry {
            TranscriptEntry(id: id, sessionId: "s", message: .text("x", role: "user", timestamp: 0), state: .complete)
        }
        for id in 1...300 { cache.store(entry(Int64(id)), fingerprint: .init(state: "complete", bytes: 60 * 1024)) }
        #expect(cache.bytes <= TranscriptRowCache.capacityBytes && cache.count < 300)
        #expect(cache.entry(id: 300, matching: .init(state: "complete", bytes: 60 * 1024)) != nil, "the newest is kept")
        #expect(cache.entry(id: 1, matching: .init(state: "complete", bytes: 60 * 1024)) == nil, "the oldest is gone")
        cache.store(entry(1000), fingerprint: .init(state: "complete", bytes: TranscriptRowCache.maxEntryBytes + 1))
        #expect(cache.entry(id: 1000, matching: .init(state: "complete", bytes: TranscriptRowCache.maxEntryBytes + 1)) == nil)
        for id in 2000..<(2000 + TranscriptRowCache.capacity + 10) { cache.store(entry(Int64(id)), fingerprint: .init(state: "complete", bytes: 10)) }
        #expect(cache.count <= TranscriptRowCache.capacity)
    }
}
