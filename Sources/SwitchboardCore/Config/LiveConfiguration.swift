import Synchronization

/// The configuration of the running gateway generation. Hot keys (``ConfigKeys/hotPaths``)
/// are read from here on each use, so a reload that touches only them replaces the value
/// in place and every later read sees it.
public final class LiveConfiguration: Sendable {
    private let value: Mutex<GatewayConfiguration>

    public init(_ configuration: GatewayConfiguration) {
        value = Mutex(configuration)
    }

    public var current: GatewayConfiguration { value.withLock { $0 } }

    func replace(with configuration: GatewayConfiguration) {
        value.withLock { $0 = configuration }
    }
}
