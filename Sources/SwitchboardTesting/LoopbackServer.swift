import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Runs a Hummingbird server on a free loopback port for the duration of `body`, then shuts it
/// down gracefully whatever `body` did. Shared by the fake servers of this library.
enum LoopbackServer {
    /// - Parameter makeApplication: builds the server; it must call `onRunning` from
    ///   `onServerRunning` with the channel so the bound port is known.
    static func with<T: Sendable>(
        label: String,
        makeApplication: (_ onRunning: @escaping @Sendable (any Channel) async -> Void) -> any Service,
        _ body: (_ port: Int) async throws -> T
    ) async throws -> T {
        let ports = AsyncStream<Int>.makeStream()
        let application = makeApplication { channel in ports.continuation.yield(channel.localAddress?.port ?? 0) }
        let group = ServiceGroup(configuration: .init(services: [application], logger: Logger(label: label)))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var port = 0
            for await value in ports.stream {
                port = value
                break
            }
            let result: Result<T, any Error>
            do {
                result = .success(try await body(port))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }
}
