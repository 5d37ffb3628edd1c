public import SwitchboardProtocol

/// A message from a chat platform, as journaled before the agent sees it.
///
/// Journaling first is what lets a restart finish the work: a pending record is run again,
/// so no accepted message is lost, and the unique (channel, platform message id) pair means
/// a redelivered update is never answered twice.
public struct InboundRecord: Sendable, Hashable {
    public enum State: String, Sendable {
        case pending, done
    }

    public var id: Int64
    /// The connector that received it (`telegram`, `adapter`).
    public var connector: String
    /// The channel name used in session keys and access rules (`telegram`, or an adapter's platform).
    public var channel: String
    public var accountId: String
    public var platformMessageId: String
    public var sessionKey: String
    /// Where the reply goes (a chat id).
    public var target: String
    public var senderId: String
    public var senderName: String?
    public var text: String
    public var receivedAtMs: Int
    public var state: State
    /// Image attachments, stored with the journal entry and then with the user's message.
    public var images: [ChatContentBlock] = []

    public init(
        id: Int64, connector: String, channel: String, accountId: String, platformMessageId: String, sessionKey: String, target: String,
        senderId: String, senderName: String?, text: String, receivedAtMs: Int, state: State
    ) {
        self.id = id
        self.connector = connector
        self.channel = channel
        self.accountId = accountId
        self.platformMessageId = platformMessageId
        self.sessionKey = sessionKey
        self.target = target
        self.senderId = senderId
        self.senderName = senderName
        self.text = text
        self.receivedAtMs = receivedAtMs
        self.state = state
    }
}

/// One outbound channel message in the durable outbox.
public struct OutboxRecord: Sendable, Hashable {
    public enum State: String, Sendable, CaseIterable {
        case pending, delivered, failed
    }

    public var id: Int64
    /// Unique per logical message (`reply:…`, `send:…`, `pairing:…`): a second enqueue is a no-op.
    public var idempotencyKey: String
    public var connector: String
    public var channel: String
    public var accountId: String
    public var target: String
    public var text: String
    /// The platform message this answers, when it is a reply.
    public var replyTo: String?
    public var state: State
    public var attempts: Int
    public var nextAttemptAtMs: Int
    public var lastError: String?
    /// Platform ids of the parts already delivered (a long text is sent in several parts).
    public var deliveredParts: [String]
    public var createdAtMs: Int
    public var deliveredAtMs: Int?

    public init(
        id: Int64, idempotencyKey: String, connector: String, channel: String, accountId: String, target: String, text: String, replyTo: String?,
        state: State, attempts: Int, nextAttemptAtMs: Int, lastError: String?, deliveredParts: [String], createdAtMs: Int, deliveredAtMs: Int?
    ) {
        self.id = id
        self.idempotencyKey = idempotencyKey
        self.connector = connector
        self.channel = channel
        self.accountId = accountId
        self.target = target
        self.text = text
        self.replyTo = replyTo
        self.state = state
        self.attempts = attempts
        self.nextAttemptAtMs = nextAttemptAtMs
        self.lastError = lastError
        self.deliveredParts = deliveredParts
        self.createdAtMs = createdAtMs
        self.deliveredAtMs = deliveredAtMs
    }
}

/// What a caller hands the outbox; the store assigns id, state and timestamps.
public struct NewOutboxMessage: Sendable, Hashable {
    public var idempotencyKey: String
    public var connector: String
    public var channel: String
    public var accountId: String
    public var target: String
    public var text: String
    public var replyTo: String?

    public init(idempotencyKey: String, connector: String, channel: String, accountId: String, target: String, text: String, replyTo: String?) {
        self.idempotencyKey = idempotencyKey
        self.connector = connector
        self.channel = channel
        self.accountId = accountId
        self.target = target
        self.text = text
        self.replyTo = replyTo
    }
}

/// An unknown sender waiting for the operator to approve their pairing code.
public struct ChannelPairingRequest: Sendable, Hashable {
    public var channel: String
    public var code: String
    public var senderId: String
    public var senderName: String?
    /// Where to tell the sender they were approved.
    public var target: String
    public var accountId: String
    public var connector: String
    public var createdAtMs: Int
    public var expiresAtMs: Int

    public init(
        channel: String, code: String, senderId: String, senderName: String?, target: String, accountId: String, connector: String, createdAtMs: Int,
        expiresAtMs: Int
    ) {
        self.channel = channel
        self.code = code
        self.senderId = senderId
        self.senderName = senderName
        self.target = target
        self.accountId = accountId
        self.connector = connector
        self.createdAtMs = createdAtMs
        self.expiresAtMs = expiresAtMs
    }
}

/// The result of asking for a pairing code.
public enum PairingRequestOutcome: Sendable, Hashable {
    /// A new code (send it to the sender).
    case created(ChannelPairingRequest)
    /// The sender already has a live code.
    case existing(ChannelPairingRequest)
    /// The channel already has the maximum number of live codes.
    case full
}
