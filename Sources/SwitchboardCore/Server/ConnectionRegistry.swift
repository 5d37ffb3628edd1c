import Foundation
import Synchronization
import SwitchboardProtocol

/// How many authenticated clients of each kind are connected, kept as they come and go so
/// `status` and `channels.status` cost the same with ten clients or ten thousand.
struct ConnectionCensus: Sendable, Equatable {
    var authenticated = 0
    var operators = 0
    var nodes = 0
    var webchat = 0

    fileprivate mutating func count(_ principal: Principal, _ step: Int) {
        authenticated += step
        if principal.role == .operator { operators += step }
        if principal.role == .node { nodes += step }
        if principal.client.mode == "webchat" { webchat += step }
    }
}

/// Every open socket, authenticated or not, and the tasks they started, so shutdown can
/// reach them all and wait until they are gone.
final class ConnectionRegistry: Sendable {
    private struct State {
        var connections: [String: GatewayConnection] = [:]
        /// The principal each authenticated connection was counted under.
        var counted: [String: Principal] = [:]
        var census = ConnectionCensus()
        var tasks = 0
        var emptyWaiters: [CheckedContinuation<Void, Never>] = []

        var isEmpty: Bool { connections.isEmpty && tasks == 0 }
    }

    private let state = Mutex(State())

    func add(_ connection: GatewayConnection) {
        state.withLock { $0.connections[connection.id] = connection }
    }

    func remove(_ connection: GatewayConnection) {
        update { state in
            state.connections[connection.id] = nil
            if let principal = state.counted.removeValue(forKey: connection.id) { state.census.count(principal, -1) }
        }
    }

    /// The connection finished its handshake as `principal`.
    func authenticated(_ connection: GatewayConnection, as principal: Principal) {
        state.withLock { state in
            guard state.connections[connection.id] != nil, state.counted[connection.id] == nil else { return }
            state.counted[connection.id] = principal
            state.census.count(principal, 1)
        }
    }

    var census: ConnectionCensus { state.withLock { $0.census } }

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
