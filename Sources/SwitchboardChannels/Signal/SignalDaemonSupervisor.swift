import Foundation
import Logging
import Subprocess
import SystemPackage

/// Runs `signal-cli -a <account> daemon --tcp <host:port> --receive-mode manual` and restarts it with backoff when it
/// exits (1 s doubling to 60 s; back to 1 s once it stayed up a minute). Its output goes to the
/// gateway log at debug level; its state is reported for `channels.status`.
struct SignalDaemonSupervisor: Sendable {
    let settings: SignalSettings
    let cliPath: String
    let logger: Logger
    let onState: @Sendable (_ running: Bool, _ pid: Int?, _ lastExit: String?) -> Void

    /// `--receive-mode manual`: messages stay on Signal's servers until the connector subscribes.
    var arguments: [String] { ["-a", settings.account, "daemon", "--tcp", "\(settings.daemonHost):\(settings.daemonPort)", "--receive-mode", "manual"] }

    func run() async {
        var failures = 0
        while !Task.isCancelled {
            let startedAt = ContinuousClock.now
            let reason = await runOnce()
            onState(false, nil, reason)
            if Task.isCancelled { return }
            failures = ContinuousClock.now - startedAt > .seconds(60) ? 1 : failures + 1
            let waitMs = settings.retry.delayMs(afterAttempt: failures)
            logger.warning("signal-cli exited; restarting", metadata: ["sb.reason": "\(reason)", "sb.retry.ms": "\(waitMs)"])
            do { try await Task.sleep(for: .milliseconds(waitMs)) } catch { return }
        }
    }

    private func runOnce() async -> String {
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(5))]
        let executable: Executable = cliPath.contains("/") ? .path(FilePath(cliPath)) : .name(cliPath)
        do {
            let result = try await Subprocess.run(
                executable, arguments: Arguments(arguments), platformOptions: options, input: .none, output: .discarded, error: .sequence
            ) { execution in
                onState(true, Int(execution.processIdentifier.value), nil)
                logger.notice("signal-cli started", metadata: ["sb.pid": "\(execution.processIdentifier.value)"])
                do {
                    for try await line in execution.standardError.strings() {
                        logger.debug("signal-cli", metadata: ["sb.line": "\(line.prefix(500))"])
                    }
                } catch {}
            }
            return "exited (\(result.terminationStatus))"
        } catch {
            if Task.isCancelled { return "stopped" }
            return "could not start \(cliPath): \(error)"
        }
    }
}
