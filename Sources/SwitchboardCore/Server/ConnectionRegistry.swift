import Foundation
import Synchronization

/// Every open socket, authenticated or not, and the tasks they started, so shutdown can
/// reach them all and wait until they are gone.
final class ConnectionRegistry: Sendable {
    private struct State {
        var connections: [String: GatewayConnection] = [:]
        var tasks = 0
        var emptyWaiters: [CheckedContinuation<Void, Never>] = []

        var isEmpty: Bool { connections.isEmpty && tasks == 0 }
    }

    private let state = Mutex(State())

    func add(_ connection: GatewayConnection) {
        state.withLock { $0.connections[connection.id] = connection }
    }

    func remove(_ connection: GatewayConnection) {
        update { $0.connections[connection.id] = nil }
    }

    func taskStarted() {
        state.withLock { $0.tasks += 1 }
    }

    func taskEnded() {
        update { $0.tasks -= 1 }
    }

    var all: [GatewayConnection] { state.withLock { Array($0.connections.values) } }
    var count: Int { state.withLock { $0.connections.count } }

    /// Returns once no connection is open and none of their tasks is running.
    func waitUntilEmpty() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let empty = state.withLock { state in
                if state.isEmpty { return true }
                state.emptyWaiters.append(continuation)
                return false
            }
            if empty { continuation.resume() }
        }
    }

    private func update(_ change: (inout State) -> Void) {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            change(&state)
            guard state.isEmpty else { return [] }
            defer { state.emptyWaiters = [] }
            return state.emptyWaiters
        }
        for waiter in waiters { waiter.resume() }
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
