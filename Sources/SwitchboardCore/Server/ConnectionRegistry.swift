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
        var waiters: [CheckedContinuation<Int, Never>] = []
    }

    private let state = Mutex(State())

    func set(_ port: Int) {
        let waiters = state.withLock { state in
            state.port = port
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    var port: Int? { state.withLock { $0.port } }

    /// Suspends until the server listens; returns the bound port.
    func wait() async -> Int {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            let port: Int? = state.withLock { state in
                if let port = state.port { return port }
                state.waiters.append(continuation)
                return nil
            }
            if let port { continuation.resume(returning: port) }
        }
    }
}
