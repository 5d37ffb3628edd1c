/// Runs `work` to its end even when the calling task is cancelled, and waits for it.
///
/// At shutdown a hook or scheduled run is cancelled, and the database refuses work from a
/// cancelled task; the record of what happened must still be written. The one unstructured
/// task here is owned by this call: it is awaited before the call returns, so it never outlives
/// its caller.
func uncancelled<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
    try await Task { try await work() }.value  // owned: awaited here, never detached from its caller
}
