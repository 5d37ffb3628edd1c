import Synchronization

/// Answers shown as they are written (`channels.discord.streamEdits`): the first text of a run
/// is posted as a reply, then that message is edited as more arrives (at most once a second,
/// within Discord's edit rate limit). The final answer still comes from the durable outbox,
/// which edits the same message into its first part instead of posting a new one — so a crash
/// mid-stream leaves at worst the partial message plus the full answer, never a lost one.
final class DiscordStreamingReplies: Sendable {
    /// Edits at most this often per answer.
    static let editIntervalMs = 1000
    /// Past this the live message stops growing (the final answer is split as usual).
    static let maxLiveLength = DiscordSettings.maxMessageLength - 20

    private struct Entry {
        var channelId: String
        var replyTo: String
        var text = ""
        var messageId: String?
        var posting = false
        var lastEditMs = 0
        var finished = false
        /// Waiting for the first post to be answered (the outbox's delivery).
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Keyed by the inbound message's platform id (`channel:message`), which the reply's
    /// outbox row carries as `replyTo`.
    private let entries = Mutex<[String: Entry]>([:])
    /// Answers with new text to show; the connector's streaming task works through them.
    let pending = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(64))
    /// Answers streamed at once, at most; more are answered whole.
    static let maxLive = 256

    func observer(key: String, channelId: String, messageId: String) -> any ChannelRunObserver {
        Observer(replies: self, key: key, channelId: channelId, messageId: messageId)
    }

    fileprivate func update(key: String, channelId: String, messageId: String, text: String) {
        let accepted = entries.withLock { entries in
            if entries[key] == nil {
                guard entries.count < Self.maxLive else { return false }
                entries[key] = Entry(channelId: channelId, replyTo: messageId)
            }
            guard entries[key]?.finished == false else { return false }
            entries[key]?.text = String(text.prefix(Self.maxLiveLength))
            return true
        }
        if accepted { pending.continuation.yield(key) }
    }

    /// One step for `key`: post the first text, or edit in what arrived since (throttled).
    func work(_ key: String, rest: DiscordREST, nowMs: Int) async {
        enum Step { case post(String, String, String), edit(String, String, String), none }
        let step: Step = entries.withLock { entries in
            guard var entry = entries[key], !entry.finished, !entry.posting, !entry.text.isEmpty else { return .none }
            defer { entries[key] = entry }
            guard let messageId = entry.messageId else {
                entry.posting = true
                entry.lastEditMs = nowMs
                return .post(entry.channelId, Self.unfinished(entry.text), entry.replyTo)
            }
            guard nowMs - entry.lastEditMs >= Self.editIntervalMs else { return .none }
            entry.lastEditMs = nowMs
            return .edit(entry.channelId, messageId, Self.unfinished(entry.text))
        }
        switch step {
        case .post(let channel, let text, let replyTo):
            let sent = try? await rest.createMessage(channelId: channel, content: text, replyTo: replyTo)
            let waiters = entries.withLock { entries -> [CheckedContinuation<Void, Never>] in
                entries[key]?.messageId = sent?.id
                entries[key]?.posting = false
                defer { entries[key]?.waiters = [] }
                return entries[key]?.waiters ?? []
            }
            for waiter in waiters { waiter.resume() }
        case .edit(let channel, let messageId, let text):
            try? await rest.editMessage(channelId: channel, messageId: messageId, content: text)
        case .none:
            break
        }
    }

    /// Text still being written, marked so: `… so far …`.
    static func unfinished(_ text: String) -> String { String(text.reversed().drop(while: \.isWhitespace).reversed()) + " …" }

    /// The live message for an answer about to be delivered, if one was posted: no more edits
    /// are made to it, and a first post still in flight is waited for.
    func finish(_ key: String) async -> String? {
        let waiting = entries.withLock { entries -> Bool in
            entries[key]?.finished = true
            return entries[key]?.posting == true
        }
        if waiting {
            await withCheckedContinuation { continuation in
                let resumeNow = entries.withLock { entries -> Bool in
                    guard entries[key]?.posting == true else { return true }
                    entries[key]?.waiters.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
        return entries.withLock { $0.removeValue(forKey: key)?.messageId }
    }

    /// A run that ended without a reply: forget its live message (it stays as it was).
    func drop(_ key: String) { _ = entries.withLock { $0.removeValue(forKey: key) } }

    private final class Observer: ChannelRunObserver {
        let replies: DiscordStreamingReplies
        let key: String
        let channelId: String
        let messageId: String

        init(replies: DiscordStreamingReplies, key: String, channelId: String, messageId: String) {
            self.replies = replies
            self.key = key
            self.channelId = channelId
            self.messageId = messageId
        }

        func runStarted(runId: String) {}
        func textDelta(_ delta: String, accumulated: String) { replies.update(key: key, channelId: channelId, messageId: messageId, text: accumulated) }
        func toolStarted(name: String, step: Int) {}
        func toolFinished(name: String, success: Bool, preview: String, durationMs: Int) {}
    }
}

