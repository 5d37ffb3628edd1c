import Synchronization

/// The configuration of the running gateway generation. Hot keys (``ConfigKeys/hotPaths``)
/// are read from here on each use, so a reload that touches only them replaces the value
/// in place and every later read sees it.
public final class LiveConfiguration: Sendable {
    private let value: Mutex<GatewayConfiguration>
    private let subscribers = Mutex<[Int: AsyncStream<GatewayConfiguration>.Continuation]>([:])
    private let nextSubscriber = Atomic<Int>(0)

    public init(_ configuration: GatewayConfiguration) {
        value = Mutex(configuration)
    }

    public var current: GatewayConfiguration { value.withLock { $0 } }

    func replace(with configuration: GatewayConfiguration) {
        value.withLock { $0 = configuration }
        for subscriber in subscribers.withLock({ Array($0.values) }) { subscriber.yield(configuration) }
    }

    /// Each hot reload's configuration, newest only, until the consumer stops iterating (the
    /// subscription ends with its task, so one gateway generation never outlives itself here).
    func changes() -> AsyncStream<GatewayConfiguration> {
        let (stream, continuation) = AsyncStream.makeStream(of: GatewayConfiguration.self, bufferingPolicy: .bufferingNewest(1))
        let id = nextSubscriber.add(1, ordering: .relaxed).newValue
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in self?.subscribers.withLock { _ = $0.removeValue(forKey: id) } }
        return stream
    }
}
