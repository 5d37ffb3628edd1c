import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A plain HTTP server on a chosen loopback address that answers every GET with its name and
/// records the `Host` header of each request: for tests of where a client really connected.
public final class HostRecordingServer: Sendable {
    public let name: String
    private let hosts = Mutex<[String]>([])

    init(name: String) { self.name = name }

    /// The `Host` headers seen, in order.
    public var requests: [String] { hosts.withLock { $0 } }

    public static func with<T: Sendable>(address: String, name: String, _ body: (HostRecordingServer, Int) async throws -> T) async throws -> T {
        let server = HostRecordingServer(name: name)
        return try await LoopbackServer.with(label: "host-recording-\(name)") { onRunning in
            let router = Router()
            let answer: @Sendable (Request, BasicRequestContext) async throws -> String = { request, _ in
                server.hosts.withLock { $0.append(request.head.authority ?? "") }
                return "served by \(name)"
            }
            router.get("/", use: answer)
            router.get("/**", use: answer)
            return Application(
                router: router, configuration: .init(address: .hostname(address, port: 0)), onServerRunning: { await onRunning($0) },
                logger: Logger(label: "host-recording")
            )
        } _: { port in
            try await body(server, port)
        }
    }
}
