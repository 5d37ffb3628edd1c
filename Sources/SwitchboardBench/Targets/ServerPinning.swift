import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps the server under test and the load generator off each other's cores, as the main-job
/// figures of the issue were taken: on a machine with two or more cores the server (gateway or
/// baseline) runs on CPU 0 and this process (load client and fake providers) on the others.
/// Only the main-job scenarios pin (``pinned(_:)``); the others keep the layout their recorded
/// figures were taken with. `SWITCHBOARD_BENCH_PIN=0` turns it off.
enum ServerPinning {
    static let available: Bool = {
        ProcessInfo.processInfo.environment["SWITCHBOARD_BENCH_PIN"] != "0" && System.coreCount >= 2
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset")
    }()

    @TaskLocal static var active = false
    static var enabled: Bool { available && active }

    /// `executable` prefixed with `taskset -c 0` when pinning.
    static func command(_ executable: String) -> [String] {
        enabled ? ["/usr/bin/taskset", "-c", "0", executable] : [executable]
    }

    /// Runs `body` with servers started on CPU 0 and every thread of this process on the other
    /// CPUs; afterwards this process may use every CPU again.
    static func pinned<T>(_ body: () async throws -> T) async rethrows -> T {
        guard available else { return try await body() }
        setSelf(cpus: "1-\(System.coreCount - 1)")
        defer { setSelf(cpus: "0-\(System.coreCount - 1)") }
        return try await $active.withValue(true) { try await body() }
    }

    private static func setSelf(cpus: String) {
        _ = system("/usr/bin/taskset -a -p -c \(cpus) \(getpid()) > /dev/null")
    }

    /// For the report header.
    static var description: String {
        enabled ? "server pinned to CPU 0, load client and fake providers on CPUs 1-\(System.coreCount - 1)" : "not pinned"
    }
}
