import Foundation
import Logging
public import ServiceLifecycle
import Synchronization

/// The connection to signal-cli's daemon (and the daemon itself, when Switchboard runs it),
/// as a service of its own: it starts before the outbox and stops after it has drained, so
/// replies still go out while the gateway stops. Receiving is switched on and off by the
/// ``SignalConnector`` (`subscribeReceive` / `unsubscribeReceive`), which stops first: no
/// message is taken from Signal once nothing would journal it.
public final class SignalLink: Service, Sendable {
    let settings: SignalSettings
    let logger: Logger

    private struct State {
        var live: SignalRPCConnection?
        var receiver: (@Sendable (SignalEnvelope) async -> Void)?
        var connected = false
        var lastError: String?
        var daemon: String
    }

    private let state: Mutex<State>

    init(settings: SignalSettings, logger: Logger) {
        self.settings = settings
        var logger = logger
        logger[metadataKey: "sb.channel"] = "signal"
        self.logger = logger
        state = Mutex(State(daemon: settings.cliPath == nil ? "external at \(settings.daemonHost):\(settings.daemonPort)" : "not started"))
    }

    var snapshot: (connected: Bool, lastError: String?, daemon: String) { state.withLock { ($0.connected, $0.lastError, $0.daemon) } }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                if let cliPath = self.settings.cliPath {
                    let supervisor = SignalDaemonSupervisor(settings: self.settings, cliPath: cliPath, logger: self.logger) { [self] running, pid, exit in
                        self.state.withLock { $0.daemon = running ? "running (pid \(pid ?? 0))" : (exit ?? "stopped") }
                    }
                    group.addTask { await supervisor.run() }
                }
                group.addTask { await self.connectLoop() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// Starts delivering `receive` notifications to `handler` (subscribing now if connected).
    func startReceiving(_ handler: @escaping @Sendable (SignalEnvelope) async -> Void) async {
        let live = state.withLock { state in
            state.receiver = handler
            return state.live
        }
        if let live { await subscribe(live) }
    }

    /// Stops receiving: nothing more is taken from Signal until ``startReceiving(_:)``.
    func stopReceiving() async {
        let live = state.withLock { state in
            state.receiver = nil
            return state.live
        }
        _ = try? await live?.call("unsubscribeReceive", [:], timeout: .seconds(5))
    }

    /// Sends one request on the live connection.
    func call(_ method: String, _ params: [String: any Sendable]) async throws -> SignalIncoming {
        guard let live = state.withLock({ $0.live }) else {
            throw SignalRPCConnection.Failure(description: "signal-cli is not connected (\(snapshot.daemon))")
        }
        return try await live.call(method, params)
    }

    private func subscribe(_ connection: SignalRPCConnection) async {
        do {
            _ = try await connection.call("subscribeReceive", [:], timeout: .seconds(10))
        } catch let failure as SignalRPCConnection.Failure where failure.code != nil {
            // A daemon that receives on its own (not --receive-mode manual) may refuse; it delivers anyway.
            logger.debug("signal-cli refused subscribeReceive", metadata: ["error": "\(failure.description)"])
        } catch {
            logger.warning("signal-cli did not answer subscribeReceive", metadata: ["error": "\(error)"])
        }
    }

    private func connectLoop() async {
        var failures = 0
        while !Task.isCancelled {
            let startedAt = ContinuousClock.now
            do {
                try await SignalRPCConnection.connect(
                    host: settings.daemonHost, port: settings.daemonPort,
                    onNotification: { [self] method, params in
                        guard method == "receive", let envelope = params.envelope, let receiver = state.withLock({ $0.receiver }) else { return }
                        await receiver(envelope)
                    }
                ) { [self] connection in
                    let receiving = state.withLock { state in
                        state.live = connection
                        state.connected = true
                        state.lastError = nil
                        return state.receiver != nil
                    }
                    logger.notice("Signal connected to signal-cli", metadata: ["sb.signal.daemon": "\(settings.daemonHost):\(settings.daemonPort)"])
                    if receiving { await subscribe(connection) }
                    // Held open until the daemon closes the socket (the reader ends the group).
                    try await Task.sleep(for: .seconds(86_400 * 365))
                }
            } catch {
                if Task.isCancelled { break }
                state.withLock { $0.lastError = "cannot reach signal-cli at \(settings.daemonHost):\(settings.daemonPort) (\(type(of: error)))" }
            }
            state.withLock { state in
                state.live = nil
                state.connected = false
            }
            if Task.isCancelled { return }
            failures = ContinuousClock.now - startedAt > .seconds(60) ? 1 : failures + 1
            let waitMs = settings.retry.delayMs(afterAttempt: failures)
            logger.info("Signal connection ended; retrying", metadata: ["sb.retry.ms": "\(waitMs)"])
            do { try await Task.sleep(for: .milliseconds(waitMs)) } catch { return }
        }
    }
}
