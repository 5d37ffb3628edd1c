/// glibc malloc settings for a long-lived, many-threaded process on a small box.
///
/// glibc gives threads their own arenas (up to eight per core) and keeps what each has freed;
/// with NIO event loops, the concurrency pool and dispatch workers all allocating, a soak grew
/// a dozen arenas whose freed-but-held pages looked like a slow leak. Two arenas keep that
/// bounded at a throughput cost too small to measure here (see the bench's `rpc` scenario).
public enum MallocTuning {
    /// Arenas the gateway allows unless `MALLOC_ARENA_MAX` says otherwise.
    public static let arenaLimit = 2

    /// Applies ``arenaLimit``; call first thing, before the threads that allocate start.
    /// An explicit `MALLOC_ARENA_MAX` in the environment wins (glibc reads it itself).
    public static func apply(environment: [String: String]) {
        #if os(Linux)
            guard environment["MALLOC_ARENA_MAX"] == nil else { return }
            _ = mallopt(mArenaMax, Int32(arenaLimit))
        #endif
    }
}

#if os(Linux)
    /// `M_ARENA_MAX` from `<malloc.h>`.
    private let mArenaMax: Int32 = -8

    /// glibc's `mallopt`, which Swift's Glibc module does not surface.
    @_silgen_name("mallopt")
    private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
