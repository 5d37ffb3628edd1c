public import SwitchboardPluginAPI
public import SwitchboardProtocol

/// The gateway side a connector talks to: access control, the durable inbound journal, the
/// agent runs and the outbox all sit behind it.
public protocol ChannelContext: Sendable {
    /// Checks access, journals the message and queues it on its session's lane.
    func receive(_ message: InboundMessage) async -> InboundDisposition
    /// Stores a cursor for messages that are skipped (not journaled).
    func skip(cursor: ChannelCursor) async
    /// Cancels a queued or running message; false when it was unknown or already answered.
    func cancel(connector: String, channel: String, platformMessageId: String) async -> Bool
    /// The stored cursor of a connector account (where polling resumes).
    func cursor(connector: String, accountId: String) async -> String?
    /// Tells the outbox a connector can deliver again (an adapter reconnected).
    func deliveryPossible(connector: String)
    /// An adapter node registered (`linked`) or its socket closed; for hooks.
    func adapterLinked(nodeId: String, platform: String, linked: Bool)
    func nowMs() -> Int
}

extension ChannelContext {
    public func adapterLinked(nodeId: String, platform: String, linked: Bool) {}
}

/// One message as a connector received it.
public struct InboundMessage: Sendable, Hashable {
    public enum ChatKind: String, Sendable, Hashable {
        case direct, group
    }

    public var connector: String
    /// The access-control and session-key namespace (`telegram`, an adapter's platform).
    public var channel: String
    public var accountId: String
    public var platformMessageId: String
    /// Where the reply goes.
    public var chatId: String
    public var chatKind: ChatKind
    public var senderId: String
    public var senderName: String?
    public var text: String
    /// In groups: the bot was addressed (mention, reply or command).
    public var mentioned: Bool
    /// Stored with the journal entry in one transaction.
    public var cursor: ChannelCursor?
    /// Image attachments (text attachments are already part of `text`).
    public var images: [ChatContentBlock] = []

    public init(
        connector: String, channel: String, accountId: String, platformMessageId: String, chatId: String, chatKind: ChatKind, senderId: String,
        senderName: String?, text: String, mentioned: Bool, cursor: ChannelCursor? = nil
    ) {
        self.connector = connector
        self.channel = channel
        self.accountId = accountId
        self.platformMessageId = platformMessageId
        self.chatId = chatId
        self.chatKind = chatKind
        self.senderId = senderId
        self.senderName = senderName
        self.text = text
        self.mentioned = mentioned
        self.cursor = cursor
    }
}

/// What happened to an inbound message.
public enum InboundDisposition: Sendable, Hashable {
    /// Queued; `position` messages of the same session are ahead of it.
    case accepted(position: Int)
    /// Seen before (same platform message id): ignored.
    case duplicate
    /// The sender is unknown and got (or already had) a pairing code.
    case pairingRequired
    /// Refused; the reason is for logs and adapter `error` frames.
    case denied(reason: String)
    /// Could not be journaled (storage failure); the platform should redeliver.
    case failed(reason: String)
}
