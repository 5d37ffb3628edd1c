import Foundation
import Synchronization

/// Every open socket, authenticated or not, so shutdown can reach them all and wait until
/// they are gone.
final class ConnectionRegistry: Sendable {
    private struct State {
        var connections: [String: GatewayConnection] = [:]
        var emptyWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func add(_ connection: GatewayConnection) {
        state.withLock { $0.connections[connection.id] = connection }
    }

    func remove(_ connection: GatewayConnection) {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.connections[connection.id] = nil
            guard state.connections.isEmpty else { return [] }
            defer { state.emptyWaiters = [] }
            return state.emptyWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    var all: [GatewayConnection] { state.withLock { Array($0.connections.values) } }
    var count: Int { state.withLock { $0.connections.count } }

    /// Returns once no connection is open.
    func waitUntilEmpty() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let empty = state.withLock { state in
                if state.connections.isEmpty { return true }
                state.emptyWaiters.append(continuation)
                return false
            }
            if empty { continuation.resume() }
        }
    }
}

/// The port the server actually bound (port 0 in tests), published once it is listening.
final class PortBox: Sendable {
    private struct State {
        var port: Int?
        var waiters: [UUID: CheckedContinuation<Int?, Never>] = [:]
    }

    private let state = Mutex(State())

    func set(_ port: Int) {
        let waiters = state.withLock { state in
            state.port = port
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    var port: Int? { state.withLock { $0.port } }

    /// Suspends until the server listens; returns the bound port, or nil if cancelled first.
    func wait() async -> Int? {
        let id = UUID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Int?, Never>) in
                let port: Int?? = state.withLock { state in
                    if let port = state.port { return .some(port) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return .none
                }
                if case .some(let port) = port { continuation.resume(returning: port) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }
}
