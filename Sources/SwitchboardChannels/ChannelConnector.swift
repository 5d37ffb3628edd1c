public import ServiceLifecycle
public import SwitchboardPluginAPI

/// A messaging platform the gateway talks through. It runs as a `Service` (polling, or
/// serving adapter sockets), hands inbound messages to its ``ChannelContext``, and delivers
/// what the durable outbox gives it.
public protocol ChannelConnector: Service {
    /// Stable id stored in outbox rows (`telegram`, `adapter`).
    var id: String { get }
    /// Human label for `channels.status`.
    var label: String { get }
    /// Sends one outbox message. Parts already in `message.deliveredParts` were sent by an
    /// earlier attempt and must be skipped.
    func deliver(_ message: OutboxRecord) async throws(DeliveryFailure) -> DeliveryReceipt
    /// Accounts and their state for `channels.status`.
    func status() -> [ChannelAccountStatus]
    /// Something that wants to watch the run answering `inbound` (streaming adapters), if any.
    func observer(for inbound: InboundRecord) -> (any ChannelRunObserver)?
    /// `inbound` is done without a reply (cancelled, or the agent had nothing to say).
    func finished(_ inbound: InboundRecord, replied: Bool)
    /// Services deliveries depend on (a daemon connection), run before the outbox and stopped
    /// after it has drained, while the connector itself stops first.
    var deliveryServices: [any Service] { get }
}

extension ChannelConnector {
    public func observer(for inbound: InboundRecord) -> (any ChannelRunObserver)? { nil }
    public func finished(_ inbound: InboundRecord, replied: Bool) {}
    public var deliveryServices: [any Service] { [] }
}

/// What the platform acknowledged.
public struct DeliveryReceipt: Sendable, Hashable {
    /// Platform ids of every part, in order (earlier attempts' parts included).
    public var parts: [String]

    public init(parts: [String]) {
        self.parts = parts
    }
}

/// Why a delivery attempt failed, and whether trying again can help.
public struct DeliveryFailure: Error, Sendable, Hashable {
    public var message: String
    /// False for failures no retry can fix (blocked bot, unknown chat).
    public var retryable: Bool
    /// The platform's requested wait (Telegram's `retry_after`).
    public var retryAfterMs: Int?
    /// Parts that did get through before the failure (all parts so far, in order).
    public var deliveredParts: [String]

    public init(_ message: String, retryable: Bool, retryAfterMs: Int? = nil, deliveredParts: [String] = []) {
        self.message = message
        self.retryable = retryable
        self.retryAfterMs = retryAfterMs
        self.deliveredParts = deliveredParts
    }
}

/// Watches one channel run as it streams (used by adapters that show replies live).
public protocol ChannelRunObserver: Sendable {
    func runStarted(runId: String)
    func textDelta(_ delta: String, accumulated: String)
    func toolStarted(name: String, step: Int)
    func toolFinished(name: String, success: Bool, preview: String, durationMs: Int)
}
