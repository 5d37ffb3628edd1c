import ServiceLifecycle

/// Hands freed heap back to the OS every `gateway.memoryTrimIntervalMs`. glibc keeps memory a
/// process freed in its arenas; after 10,000 clients leave, RSS would otherwise stay at its
/// peak for ever, which on a small box looks exactly like a leak.
struct MemoryTrimmer: Service {
    let intervalMs: Int

    func run() async throws {
        guard intervalMs > 0 else { return }
        await cancelWhenGracefulShutdown {
            while (try? await Task.sleep(for: .milliseconds(intervalMs))) != nil {
                Self.trim()
            }
        }
    }

    /// Returns free pages at the top and inside every arena (`malloc_trim(0)`).
    static func trim() {
        #if os(Linux)
            _ = mallocTrim(0)
        #endif
    }
}

#if os(Linux)
    /// glibc's `malloc_trim`, which Swift's Glibc module does not surface.
    @_silgen_name("malloc_trim")
    private func mallocTrim(_ pad: Int) -> Int32
#endif
