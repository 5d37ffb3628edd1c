public import SwitchboardProtocol
/// The socket under one adapter session, provided by the gateway's connection handler.
public protocol ClaraAdapterLink: Sendable {
    /// Queues a text frame; false when the socket is closing or its queue is full.
    @discardableResult
    func send(_ frame: [UInt8]) -> Bool
    /// Queues a text frame and calls `written` once: true when it was written to the socket
    /// and flushed, false when it never will be (queue full, socket closed).
    func send(_ frame: [UInt8], written: @escaping @Sendable (Bool) -> Void)
    func close(code: UInt16, reason: String)
    var remoteAddress: String { get }
    /// Runs a secret comparison under the gateway's auth rate limiter (one limiter for every
    /// secret the gateway compares); while limited the comparison is not made.
    func checkSecret(_ matches: () -> Bool) -> SecretCheck
}

/// The outcome of a rate-limited secret comparison.
public enum SecretCheck: Sendable, Equatable {
    case passed
    case failed
    case limited(retryAfterMs: Int)
}

/// Who may register, and limits per adapter connection.
public struct ClaraAdapterSettings: Sendable, Hashable {
    /// Required in `register.secret` when set (`channels.adapter.secret`).
    public var secret: String?
    /// Requests one node may have queued or running; more get `error` `busy`.
    public var maxInFlightPerNode: Int
    /// How long a reply waits to be acked (adapters with the `ack` capability) or written and
    /// flushed (the others) before the outbox retries it.
    public var deliveryTimeoutMs: Int
    /// Limits on a message's attachments (`agents.defaults.attachmentMaxBytes`/`…MaxCount`).
    public var attachments: AttachmentReader.Limits

    public init(
        secret: String?, maxInFlightPerNode: Int = 1000, deliveryTimeoutMs: Int = 10_000,
        attachments: AttachmentReader.Limits = .init(maxBytes: 5_000_000, maxCount: 8)
    ) {
        self.secret = secret
        self.maxInFlightPerNode = maxInFlightPerNode
        self.deliveryTimeoutMs = deliveryTimeoutMs
        self.attachments = attachments
    }
}
