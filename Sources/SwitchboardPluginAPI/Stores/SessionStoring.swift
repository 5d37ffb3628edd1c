public import SwitchboardProtocol

/// Durable sessions and transcripts. Writes happen as a run streams, so a crash loses at
/// most the last unflushed piece of text, never an earlier turn.
public protocol SessionStoring: Sendable {
    /// The session under `key`, created (with a new session id) when missing.
    /// Where session starts and ends are announced.
    var lifecycle: SessionLifecycleRelay { get }
    func ensureSession(key: String, agentId: String, nowMs: Int) async throws -> SessionRecord
    func session(key: String) async throws -> SessionRecord?
    func session(sessionId: String) async throws -> SessionRecord?
    /// Newest activity first. `search` matches key or label; `activeSinceMs` filters by update time.
    func sessions(limit: Int, search: String?, activeSinceMs: Int?, agentId: String?, label: String?) async throws -> [SessionRecord]
    func sessionCount() async throws -> Int
    /// Session counts by agent id (for `health`).
    func sessionCountsByAgent() async throws -> [String: Int]
    /// Applies `changes` (a `null` value clears a setting); returns the updated record.
    func patchSession(key: String, changes: [String: JSONValue], nowMs: Int) async throws -> SessionRecord?
    /// Gives the key a fresh session id (an empty transcript).
    func resetSession(key: String, nowMs: Int) async throws -> SessionRecord?
    func deleteSession(key: String, deleteTranscript: Bool) async throws -> Bool
    func addUsage(key: String, input: Int, output: Int, nowMs: Int) async throws

    /// Appends a message; returns its entry id.
    func append(sessionId: String, message: ChatMessage, state: TranscriptEntry.State) async throws -> Int64
    /// Replaces a streaming entry's message (and state).
    func update(entryId: Int64, message: ChatMessage, state: TranscriptEntry.State) async throws
    /// The newest `limit` entries, oldest first.
    func transcript(sessionId: String, limit: Int) async throws -> [TranscriptEntry]
    /// The session under `key` (created when missing) and its newest `limit` entries, oldest first.
    func turnContext(key: String, agentId: String, nowMs: Int, limit: Int) async throws -> (SessionRecord, [TranscriptEntry])
    func transcriptCount(sessionId: String) async throws -> Int
    /// Appends `message` (which has an ``ChatMessage/id``) to the session `key` (created for
    /// `agentId` when missing), unless one of its newest `within` entries is already that
    /// message, in one transaction; returns the session and whether it appended.
    func appendUnlessPresent(key: String, agentId: String, message: ChatMessage, within: Int, nowMs: Int) async throws -> (SessionRecord, appended: Bool)
    /// Keeps the newest `keep` entries; returns how many were removed.
    func compact(sessionId: String, keep: Int) async throws -> Int
    /// Marks entries still `streaming` as `interrupted` (after a crash); returns how many.
    func markStreamingInterrupted() async throws -> Int
}
