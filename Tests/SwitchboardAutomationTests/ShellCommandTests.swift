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
        // Gone, or a zombie waiting for init to reap it: either way no longer running.
        let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let state = stat?.split(separator: ")").last?.split(separator: " ").first
        #expect(stat == nil || state == "Z", "the background sleep was stopped (state \(state.map(String.init) ?? "gone"))")
    }

    @Test("a command that cannot start says why")
    func cannotStart() async {
        let result = await ShellCommand(command: "true", workingDirectory: "/nonexistent-\(UUID().uuidString)", timeout: .seconds(5), maxOutputBytes: 64).run()
        #expect(result.succeeded == false)
        #expect(result.failure?.hasPrefix("could not start") == true)
    }
}
