import Synchronization

/// One account of a channel in `channels.status` (OpenClaw's open `ChannelAccountSnapshot`).
public struct ChannelAccountStatus: Sendable, Hashable {
    public var accountId: String
    public var name: String?
    public var configured: Bool
    public var running: Bool
    public var connected: Bool
    public var lastError: String?
    public var lastStartAtMs: Int?
    public var lastInboundAtMs: Int?
    public var lastOutboundAtMs: Int?
    /// Channel-specific facts shown with the account (Signal's `daemon` state).
    public var details: [String: String] = [:]

    public init(accountId: String, name: String? = nil, configured: Bool, running: Bool = false, connected: Bool = false) {
        self.accountId = accountId
        self.name = name
        self.configured = configured
        self.running = running
        self.connected = connected
    }

    /// The newest message either way.
    public var lastMessageAtMs: Int? {
        switch (lastInboundAtMs, lastOutboundAtMs) {
        case (let a?, let b?): max(a, b)
        case (let a?, nil): a
        case (nil, let b?): b
        default: nil
        }
    }
}

/// A thread-safe ``ChannelAccountStatus`` a connector updates as it works.
public final class ChannelStatusTracker: Sendable {
    private let state: Mutex<ChannelAccountStatus>

    public init(_ initial: ChannelAccountStatus) {
        state = Mutex(initial)
    }

    public var snapshot: ChannelAccountStatus { state.withLock { $0 } }

    public func update(_ change: (inout ChannelAccountStatus) -> Void) {
        state.withLock { change(&$0) }
    }

    /// Marks the account running (started at `startedAtMs`) for the duration of `body`, then
    /// stopped and disconnected: what every connector's `run()` reports.
    public func running(startedAtMs: Int, _ body: () async -> Void) async {
        update {
            $0.running = true
            $0.lastStartAtMs = startedAtMs
        }
        defer {
            update {
                $0.running = false
                $0.connected = false
            }
        }
        await body()
    }
}
