import Foundation
import SwitchboardCore
import SwitchboardTesting

#if canImport(Glibc)
    import Glibc
#endif

/// The environment a test gives the real `switchboard` binary: the caller's, minus any
/// `SWITCHBOARD_*` and secrets that could leak in from the developer's shell.
func daemonEnvironment(stateDir: String, extra: [String: String] = [:]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment.filter {
        !$0.key.hasPrefix("SWITCHBOARD_") && !$0.key.hasSuffix("_API_KEY") && $0.key != "TELEGRAM_BOT_TOKEN" && $0.key != "NOTIFY_SOCKET"
    }
    environment["SWITCHBOARD_STATE_DIR"] = stateDir
    environment.merge(extra) { _, new in new }
    return environment
}

/// Runs the CLI to completion; returns its exit code and output.
func runCLI(_ arguments: [String], stateDir: String, extra: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> (
    code: Int32, output: String
) {
    let process = try ChildProcess(
        executable: ChildProcess.switchboardExecutable(), arguments: arguments, environment: daemonEnvironment(stateDir: stateDir, extra: extra)
    )
    defer { process.terminate() }
    let code = try await process.waitForExit(timeout: timeout)
    return (code, await process.remainingOutput())
}

/// Kills whatever gateway the state dir's lock names (a failed test must not leave one behind).
func killGateway(stateDir: String) {
    if let (record, running) = InstanceLock.inspect(stateDir: stateDir), running {
        kill(record.process.pid, SIGKILL)
    }
}

/// A fresh state dir for one test, removed (and its gateway killed) afterwards.
func withStateDir<T>(_ body: (String) async throws -> T) async rethrows -> T {
    let stateDir = TestGateway.makeTemporaryDirectory()
    defer {
        killGateway(stateDir: stateDir)
        try? FileManager.default.removeItem(atPath: stateDir)
    }
    return try await body(stateDir)
}
