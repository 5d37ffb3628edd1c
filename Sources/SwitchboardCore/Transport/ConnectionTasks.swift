import Synchronization

/// The tasks one connection started: authenticating `connect`, each request, an adapter's
/// inbox. The connection owns them: they are cancelled when its socket closes, and the
/// generation's registry counts them so shutdown waits until the last one has finished.
final class ConnectionTasks: Sendable {
    private struct State {
        var tasks: [Int: Task<Void, Never>] = [:]
        var nextId = 0
        var cancelled = false
    }

    private let state = Mutex(State())
    private let registry: ConnectionRegistry

    init(registry: ConnectionRegistry) {
        self.registry = registry
    }

    /// Starts `operation` as a task of this connection; not started once the connection closed.
    func run(_ operation: @escaping @Sendable () async -> Void) {
        state.withLock { state in
            guard !state.cancelled else { return }
            state.nextId += 1
            let id = state.nextId
            registry.taskStarted()
            // Unstructured on purpose (a request must not wait for the socket's event loop, which
            // owns no async context), but owned: kept here by id, cancelled by `cancelAll()` when
            // the socket closes, and counted by the registry, whose `waitUntilEmpty()` shutdown awaits.
            state.tasks[id] = Task {  // owned: see above (kept by id, cancelled, counted)
                await operation()
                self.finished(id)
            }
        }
    }

    /// Cancels every running task (the socket is gone).
    func cancelAll() {
        let tasks = state.withLock { state in
            state.cancelled = true
            return Array(state.tasks.values)
        }
        for task in tasks { task.cancel() }
    }

    var count: Int { state.withLock { $0.tasks.count } }

    private func finished(_ id: Int) {
        state.withLock { _ = $0.tasks.removeValue(forKey: id) }
        registry.taskEnded()
    }
}
