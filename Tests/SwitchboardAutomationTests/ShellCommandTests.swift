import Foundation
import Testing

@testable import SwitchboardAutomation

/// Real `/bin/sh` processes: exit statuses, bounded output, the environment, and a timeout
/// that takes down everything the command started.
struct ShellCommandTests {
    @Test("exit status, output and errors together, extra environment, working directory")
    func basics() async {
        let ok = await ShellCommand(
            command: "echo out; echo err >&2; echo $GREETING; pwd", environment: ["GREETING": "hello"], workingDirectory: "/tmp",
            timeout: .seconds(10), maxOutputBytes: 1024
        ).run()
        #expect(ok.succeeded && ok.failure == nil)
        #expect(ok.output == "out\nerr\nhello\n/tmp\n")
        let failed = await ShellCommand(command: "exit 3", timeout: .seconds(10), maxOutputBytes: 1024).run()
        #expect(failed.ending == .exited(3) && failed.failure == "exit status 3")
        let killed = await ShellCommand(command: "kill -9 $$", timeout: .seconds(10), maxOutputBytes: 1024).run()
        #expect(killed.ending == .signaled(9) && killed.failure == "killed by signal 9")
    }

    @Test("output beyond the bound keeps its last bytes and says it was cut")
    func boundedOutput() async {
        let result = await ShellCommand(command: "seq 1 100000", timeout: .seconds(20), maxOutputBytes: 12).run()
        #expect(result.succeeded && result.truncated)
        #expect(result.output == "99999\n100000\n".suffix(12).description)
    }

    @Test("at its timeout the command and what it started in the background are stopped")
    func timeoutKillsTheGroup() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("bg-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let started = ContinuousClock.now
        let result = await ShellCommand(command: "sleep 600 & echo $! > \(pidFile); wait", timeout: .milliseconds(300), maxOutputBytes: 1024).run()
        #expect(result.ending == .timedOut && result.failure?.contains("timed out") == true)
        #expect(ContinuousClock.now - started < .seconds(120), "stopped, not waited for")
        let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(Self.stopped(pid), "the background sleep was signalled")
    }

    /// Gone, a zombie, or holding a SIGTERM or SIGKILL it has not acted on yet (a loaded box may
    /// not have run it since the signal was sent): in every case it will not go on.
    static func stopped(_ pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return true }
        var fields: [String: String] = [:]
        for line in status.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        if fields["State"]?.hasPrefix("Z") == true || fields["State"]?.hasPrefix("X") == true { return true }
        let pending = [fields["ShdPnd"], fields["SigPnd"]].compactMap { $0.flatMap { UInt64($0, radix: 16) } }.reduce(0, |)
        let term: UInt64 = 1 << (15 - 1)
        let kill: UInt64 = 1 << (9 - 1)
        return pending & (term | kill) != 0
    }

    @Test("a command that cannot start says why")
    func cannotStart() async {
        let result = await ShellCommand(command: "true", workingDirectory: "/nonexistent-\(UUID().uuidString)", timeout: .seconds(5), maxOutputBytes: 64).run()
        #expect(result.succeeded == false)
        #expect(result.failure?.hasPrefix("could not start") == true)
    }
}
