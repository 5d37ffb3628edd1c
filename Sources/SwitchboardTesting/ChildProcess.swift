import Foundation

#if canImport(Glibc)
    public import Glibc
#elseif canImport(Darwin)
    public import Darwin
#endif

/// A child process for tests of the real binary (signals, exit codes). Spawned with
/// posix_spawn and an empty signal mask, so SIGTERM reaches it even when the test runner
/// blocks signals; killed on `terminate()` and never left behind.
public final class ChildProcess: @unchecked Sendable {
    // pid and the pipe are written once in init and read afterwards from one test task.
    public let pid: pid_t
    private let output: FileHandle
    private let lock = NSLock()
    private var exitStatus: Int32?
    private var buffered = Data()

    /// Starts `executable` with `arguments`; stdout and stderr go to one pipe, or appended to
    /// `outputPath` when given (a long-running child nobody reads must not fill a pipe).
    public init(executable: String, arguments: [String], environment: [String: String], outputPath: String? = nil) throws {
        StallWatchdog.start()
        var pipe: [Int32] = [0, 0]
        guard Glibc.pipe(&pipe) == 0 else { throw POSIXError(.EIO) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let outputPath {
            posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
            posix_spawn_file_actions_adddup2(&actions, pipe[1], 2)
        }
        posix_spawn_file_actions_addclose(&actions, pipe[0])
        // NIO's sockets are not close-on-exec: without this the child would inherit this test
        // process's listeners and keep their ports bound after the gateway stops.
        _ = spawnCloseFrom(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        close(pipe[1])
        guard result == 0 else {
            close(pipe[0])
            throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO)
        }
        pid = child
        output = FileHandle(fileDescriptor: pipe[0], closeOnDealloc: true)
    }

    public func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Reads output until a line contains `text`; returns that line.
    public func waitForLine(containing text: String, timeout: Duration = .seconds(30)) async throws -> String {
        try await withTimeout(timeout, "output line containing \(text)") {
            while true {
                if let line = self.takeLine(containing: text) { return line }
                let chunk = try await self.readChunk()
                if chunk.isEmpty { throw TestTimeout(what: "\(text) (process output ended)") }
                self.lock.withLock { self.buffered.append(chunk) }
            }
        }
    }

    /// Everything printed so far that was not consumed by ``waitForLine(containing:timeout:)``.
    public func remainingOutput() async -> String {
        while let chunk = try? await readChunk(), !chunk.isEmpty {
            lock.withLock { buffered.append(chunk) }
        }
        return lock.withLock { String(decoding: buffered, as: UTF8.self) }
    }

    private func takeLine(containing text: String) -> String? {
        lock.withLock {
            let string = String(decoding: buffered, as: UTF8.self)
            guard let range = string.range(of: text) else { return nil }
            let lineStart = string[..<range.lowerBound].lastIndex(of: "\n").map { string.index(after: $0) } ?? string.startIndex
            let lineEnd = string[range.upperBound...].firstIndex(of: "\n") ?? string.endIndex
            return String(string[lineStart..<lineEnd])
        }
    }

    private func readChunk() async throws -> Data {
        let handle = output
        return try await withCheckedThrowingContinuation { continuation in
            Self.blocking { continuation.resume(returning: handle.availableData) }
        }
    }

    /// Runs a blocking call on a thread of its own. On Linux the Swift concurrency pool is
    /// Dispatch's global queues: blocking those threads in `waitpid` or `read` (several child
    /// processes at once) starved every other test of threads for seconds.
    static func blocking(_ work: @escaping @Sendable () -> Void) {
        let thread = Thread { work() }
        thread.stackSize = 256 * 1024
        thread.start()
    }

    /// Waits for exit; returns the exit code (128 + signal when killed by one).
    public func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        try await withTimeout(timeout, "process \(pid) to exit") {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
                let pid = self.pid
                Self.blocking {
                    var status: Int32 = 0
                    let result = waitpid(pid, &status, 0)
                    guard result == pid else {
                        continuation.resume(throwing: POSIXError(.ECHILD))
                        return
                    }
                    let signalled = status & 0x7F
                    continuation.resume(returning: signalled == 0 ? (status >> 8) & 0xFF : 128 + signalled)
                }
            }
        }
    }

    /// Kills the process if it is still running and reaps it.
    public func terminate() {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// The `switchboard` binary next to the test bundle (built by `swift build`).
    public static func switchboardExecutable() -> String {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("switchboard").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let fromCwd = FileManager.default.currentDirectoryPath + "/.build/debug/switchboard"
        return fromCwd
    }
}

/// glibc ≥ 2.34's `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module does
/// not surface: the child closes every descriptor from `from` up.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func spawnCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32
