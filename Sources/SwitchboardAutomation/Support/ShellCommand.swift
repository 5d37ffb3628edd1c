import Subprocess
import SystemPackage

/// A shell command (`/bin/sh -c`) as hooks and scheduled jobs run it: in its own session, its
/// output and errors captured together and bounded, and stopped at its timeout — SIGTERM to
/// its whole process group, SIGKILL two seconds later — so neither it nor anything it started
/// outlives the deadline.
public struct ShellCommand: Sendable {
    public var command: String
    /// Added to the gateway's environment.
    public var environment: [String: String]
    public var workingDirectory: String?
    public var timeout: Duration
    /// Output kept: the last this many bytes (the rest is read and dropped).
    public var maxOutputBytes: Int

    /// How long a stopped command gets between SIGTERM and SIGKILL.
    public static let killGrace: Duration = .seconds(2)

    public init(command: String, environment: [String: String] = [:], workingDirectory: String? = nil, timeout: Duration, maxOutputBytes: Int) {
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeout = timeout
        self.maxOutputBytes = maxOutputBytes
    }

    public struct Result: Sendable, Equatable {
        public enum Ending: Sendable, Equatable {
            case exited(Int32)
            case signaled(Int32)
            case timedOut
            /// The gateway stopped it (shutdown).
            case stopped
            case failedToStart(String)
        }

        public var ending: Ending
        /// Standard output and error, interleaved: the last ``ShellCommand/maxOutputBytes``.
        public var output: String
        public var truncated: Bool
        public var durationMs: Int

        public var succeeded: Bool { ending == .exited(0) }

        /// Why it failed, in words; nil when it succeeded.
        public var failure: String? {
            switch ending {
            case .exited(0): nil
            case .exited(let code): "exit status \(code)"
            case .signaled(let signal): "killed by signal \(signal)"
            case .timedOut: "timed out; stopped (SIGTERM, then SIGKILL)"
            case .stopped: "stopped: the gateway is shutting down"
            case .failedToStart(let reason): "could not start: \(reason)"
            }
        }
    }

    /// Runs the command to its end, its timeout, or the task's cancellation (then it is stopped
    /// as at a timeout).
    public func run() async -> Result {
        let started = ContinuousClock.now
        let options = Self.platformOptions
        let environment = Environment.inherit.updating(
            Dictionary(uniqueKeysWithValues: self.environment.map { (Environment.Key(stringLiteral: $0.key), Optional($0.value)) }))
        let limit = maxOutputBytes
        let command = self.command
        let directory = workingDirectory.map { FilePath($0) }
        let timeout = self.timeout
        var outcome: Outcome
        do {
            outcome = try await withThrowingTaskGroup(of: Outcome.self) { group in
                group.addTask {
                    let result = try await Subprocess.run(
                        .path("/bin/sh"), arguments: ["-c", command], environment: environment, workingDirectory: directory,
                        platformOptions: options, input: .none, output: .sequence, error: .combinedWithOutput
                    ) { execution in
                        var tail = OutputTail(limit: limit)
                        for try await chunk in execution.standardOutput {
                            chunk.withUnsafeBytes { tail.append($0) }
                        }
                        return tail
                    }
                    return .finished(result.terminationStatus, result.closureResult)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return .timedOut
                }
                defer { group.cancelAll() }
                return try await group.next() ?? .timedOut
            }
        } catch {
            outcome = Task.isCancelled ? .stopped : .failed("\(error)")
        }
        // Cancelled (shutdown): the teardown's SIGTERM often ends the command before the run
        // notices the cancellation, so its exit says "signal 15"; it was the gateway that stopped it.
        if Task.isCancelled, case .finished(let status, _) = outcome, status != .exited(0) { outcome = .stopped }
        let durationMs = Int((ContinuousClock.now - started) / .milliseconds(1))
        switch outcome {
        case .finished(let status, let tail):
            let ending: Result.Ending
            switch status {
            case .exited(let code): ending = .exited(Int32(truncatingIfNeeded: code))
            case .signaled(let signal): ending = .signaled(Int32(truncatingIfNeeded: signal))
            }
            return Result(ending: ending, output: tail.text, truncated: tail.dropped > 0, durationMs: durationMs)
        case .timedOut:
            return Result(ending: .timedOut, output: "", truncated: false, durationMs: durationMs)
        case .stopped:
            return Result(ending: .stopped, output: "", truncated: false, durationMs: durationMs)
        case .failed(let reason):
            return Result(ending: .failedToStart(reason), output: "", truncated: false, durationMs: durationMs)
        }
    }

    /// Its own session, so the teardown reaches everything the command started.
    private static var platformOptions: PlatformOptions {
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: killGrace)]
        return options
    }

    private enum Outcome: Sendable {
        case finished(TerminationStatus, OutputTail)
        case timedOut
        case stopped
        case failed(String)
    }
}

/// The last `limit` bytes of a stream.
struct OutputTail: Sendable {
    let limit: Int
    private(set) var bytes: [UInt8] = []
    private(set) var dropped = 0

    init(limit: Int) { self.limit = max(0, limit) }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: chunk)
        if bytes.count > limit {
            let excess = bytes.count - limit
            bytes.removeFirst(excess)
            dropped += excess
        }
    }

    /// As UTF-8, a character cut at the start replaced.
    var text: String { String(decoding: bytes, as: UTF8.self) }
}
