import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A command running in a real terminal (a detached tmux session on a private tmux server),
/// for terminal programs: keys are typed with `send-keys`, and what it prints is read line by
/// line from a FIFO it writes through `tee`, so tests wait on output, never on time.
public final class TerminalSession: Sendable {
    let socket: String
    let fifo: String
    let output: ChildProcess
    let environment: [String: String]

    public static var tmux: String? { ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) } }

    private init(socket: String, fifo: String, output: ChildProcess, environment: [String: String]) {
        self.socket = socket
        self.fifo = fifo
        self.output = output
        self.environment = environment
    }

    /// Starts `command` in a 160×50 terminal with `environment`.
    public static func start(_ command: [String], environment: [String: String]) async throws -> TerminalSession {
        guard let tmux else { throw POSIXError(.ENOENT) }
        let tag = UUID().uuidString.lowercased().prefix(12)
        let fifo = (NSTemporaryDirectory() as NSString).appendingPathComponent("sb-term-\(tag).out")
        guard mkfifo(fifo, 0o600) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        // The reader first: the writer's open waits for it.
        let output = try ChildProcess(executable: "/bin/cat", arguments: [fifo], environment: [:])
        let session = TerminalSession(socket: "sb-term-\(tag)", fifo: fifo, output: output, environment: environment)
        let line = command.map(shellQuoted).joined(separator: " ") + " 2>&1 | tee " + shellQuoted(fifo)
        try await session.tmuxCommand(["new-session", "-d", "-s", "main", "-x", "160", "-y", "50", line], tmux: tmux)
        return session
    }

    /// Types `text` and presses Enter.
    public func type(_ text: String) async throws {
        guard let tmux = Self.tmux else { throw POSIXError(.ENOENT) }
        try await tmuxCommand(["send-keys", "-t", "main", "-l", text], tmux: tmux)
        try await tmuxCommand(["send-keys", "-t", "main", "Enter"], tmux: tmux)
    }

    /// The next printed line containing `text`.
    public func waitForLine(containing text: String, timeout: Duration = .seconds(30)) async throws -> String {
        try await output.waitForLine(containing: text, timeout: timeout)
    }

    /// What was printed and not read yet (after the program ended).
    public func remainingOutput() async -> String { await output.remainingOutput() }

    /// Ends the terminal and everything in it.
    public func close() async {
        if let tmux = Self.tmux { try? await tmuxCommand(["kill-server"], tmux: tmux) }
        output.terminate()
        unlink(fifo)
    }

    private func tmuxCommand(_ arguments: [String], tmux: String) async throws {
        let process = try ChildProcess(executable: tmux, arguments: ["-L", socket] + arguments, environment: environment)
        let code = try await process.waitForExit(timeout: .seconds(20))
        guard code == 0 else { throw TerminalFailure(command: arguments.first ?? "", output: await process.remainingOutput()) }
    }

    static func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    public struct TerminalFailure: Error, CustomStringConvertible {
        public var command: String
        public var output: String
        public var description: String { "tmux \(command) failed: \(output)" }
    }
}
