import Hummingbird
import NIOCore

/// The request context of the gateway's HTTP routes: Hummingbird's basics plus the peer
/// address, which the auth rate limiter buckets by.
struct GatewayRequestContext: Hummingbird.RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The peer's IP address as text (`unknown` for a Unix socket).
    var peerAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
