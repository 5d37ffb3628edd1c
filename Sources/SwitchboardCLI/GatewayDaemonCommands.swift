import ArgumentParser
import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol
#if canImport(Glibc)
import Glibc
#endif

/// `switchboard gateway start`: runs the gateway in the background and returns once it
/// serves (or explains why it could not).
struct GatewayStartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start the gateway in the background; returns once it is ready, or prints why it failed."
    )

    @OptionGroup var paths: PathOptions
    @OptionGroup var flags: GatewayFlags
    @Option(help: "Seconds to wait for the gateway to become ready.") var timeout: Int = 30

    func run() async throws {
        let resolved = paths.resolve()
        if let (record, running) = InstanceLock.inspect(stateDir: resolved.stateDir), running {
            print("gateway already running: pid \(record.process.pid)" + (record.port.map { ", port \($0)" } ?? ""))
            return
        }
        let output = DaemonFiles.outputPath(stateDir: resolved.stateDir)
        let listener = try NotifyListener()
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = listener.name
        let startOffset = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
        let pid = try BackgroundProcess.spawn(
            executable: BackgroundProcess.executablePath, arguments: ["gateway", "run"] + paths.arguments + flags.arguments, environment: environment,
            outputPath: output
        )
        let deadline = ContinuousClock.now + .seconds(timeout)
        while ContinuousClock.now < deadline {
            if let message = listener.receive(timeoutMs: 100), message.contains("READY=1") {
                let status = message.split(separator: "\n").first { $0.hasPrefix("STATUS=") }.map { String($0.dropFirst(7)) } ?? "ready"
                print("gateway started: pid \(pid), \(status)")
                print("  log: \(DaemonFiles.logFile(resolved)), console output: \(output)")
                return
            }
            if let code = BackgroundProcess.exitCode(of: pid) {
                let tail = DaemonFiles.tail(path: output, from: startOffset, lines: 20)
                FileHandle.standardError.write(Data("switchboard: the gateway exited with code \(code) before it was ready:\n\(tail)\n".utf8))
                throw ExitCode(code == 0 ? ExitCodes.failure : code)
            }
        }
        throw fail("the gateway (pid \(pid)) did not become ready within \(timeout) s; see \(output)", code: ExitCodes.failure)
    }
}

/// `switchboard gateway stop`: SIGTERM, then wait for the process to go.
struct GatewayStopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop the background gateway gracefully.")

    @OptionGroup var paths: PathOptions
    @Option(help: "Seconds to wait for it to exit.") var timeout: Int = 30
    @Flag(help: "Send SIGKILL if it has not exited in time.") var force = false

    func run() async throws {
        let stateDir = paths.resolve().stateDir
        guard let (record, running) = InstanceLock.inspect(stateDir: stateDir), running else {
            print("gateway not running")
            return
        }
        let pid = record.process.pid
        let started = ContinuousClock.now
        guard kill(pid, SIGTERM) == 0 else { throw fail("cannot signal pid \(pid): \(String(cString: strerror(errno)))", code: ExitCodes.failure) }
        if await DaemonFiles.waitUntilGone(record.process, timeout: .seconds(timeout)) {
            print("gateway stopped: pid \(pid) after \((ContinuousClock.now - started).milliseconds) ms")
            return
        }
        guard force else { throw fail("pid \(pid) is still running after \(timeout) s; use --force to kill it", code: ExitCodes.failure) }
        kill(pid, SIGKILL)
        _ = await DaemonFiles.waitUntilGone(record.process, timeout: .seconds(5))
        print("gateway killed: pid \(pid)")
    }
}

/// `switchboard gateway restart`: SIGUSR1 (in-process restart: same pid, config read again),
/// or a start when none runs.
struct GatewayRestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart", abstract: "Restart the gateway in-process (same pid, config re-read); starts it if it is not running."
    )

    @OptionGroup var paths: PathOptions
    @OptionGroup var flags: GatewayFlags
    @Option(help: "Seconds to wait for the gateway to be ready again.") var timeout: Int = 30

    func run() async throws {
        let stateDir = paths.resolve().stateDir
        guard let (record, running) = InstanceLock.inspect(stateDir: stateDir), running else {
            var start = GatewayStartCommand()
            start.paths = paths
            start.flags = flags
            start.timeout = timeout
            try await start.run()
            return
        }
        let started = ContinuousClock.now
        guard kill(record.process.pid, SIGUSR1) == 0 else { throw fail("cannot signal pid \(record.process.pid)", code: ExitCodes.failure) }
        let deadline = started + .seconds(timeout)
        while ContinuousClock.now < deadline {
            if let (now, _) = InstanceLock.inspect(stateDir: stateDir), now.generation > record.generation, now.readyAtMs != nil {
                print("gateway restarted in-process: pid \(now.process.pid), generation \(now.generation), \((ContinuousClock.now - started).milliseconds) ms")
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw fail("the gateway did not report ready within \(timeout) s after SIGUSR1; see `switchboard gateway logs`", code: ExitCodes.failure)
    }
}

/// `switchboard gateway status`: is it running, where, and is it healthy (over WebSocket)?
struct GatewayStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show whether the gateway runs: pid, uptime, port, version, and its health over WebSocket. Exit 3 when stopped."
    )

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let stateDir = client.paths.resolve().stateDir
        guard let (record, running) = InstanceLock.inspect(stateDir: stateDir), running else {
            if client.json { print(GatewayJSON.string(["running": false] as JSONValue)) } else { print("gateway not running (state dir \(stateDir))") }
            throw ExitCode(3)
        }
        let uptimeMs = GatewayClock.system.nowMs() - record.startedAtMs
        var options = client
        if options.url == nil, let port = record.port { options.url = "\(record.tls == true ? "wss" : "ws")://127.0.0.1:\(port)" }
        var healthLine: String
        var healthy = false
        do {
            let summary = try await options.withClientQuietly { client in try await client.call(Health.self, .init()) }
            healthy = summary.ok
            healthLine = summary.ok ? "ok" : "degraded"
        } catch {
            healthLine = "unreachable (\(error))"
        }
        if client.json {
            let value: JSONValue = [
                "running": true, "pid": .int(Int(record.process.pid)), "uptimeMs": .int(uptimeMs), "port": record.port.map { .int($0) } ?? .null,
                "bind": record.bind.map { .string($0) } ?? .null, "version": .string(record.version), "generation": .int(record.generation),
                "configPath": .string(record.configPath), "healthy": .bool(healthy), "health": .string(healthLine),
            ]
            print(GatewayJSON.string(value))
        } else {
            print("gateway running")
            print("  pid         \(record.process.pid)")
            print("  uptime      \(StatusCommand.duration(ms: uptimeMs))")
            print("  listening   \(record.bind ?? "?"):\(record.port.map(String.init) ?? "?")")
            print("  version     \(record.version)")
            print("  restarts    \(max(record.generation - 1, 0)) in-process")
            print("  config      \(record.configPath)")
            if let logFile = record.logFile { print("  log         \(logFile)") }
            print("  health      \(healthLine)")
        }
        if !healthy { throw ExitCode(ExitCodes.failure) }
    }
}

/// Files the daemon commands share.
enum DaemonFiles {
    /// stdout/stderr of a background gateway (the JSON-lines log is separate).
    static func outputPath(stateDir: String) -> String { (stateDir as NSString).appendingPathComponent("logs/gateway.out") }

    static func logFile(_ paths: GatewayPaths) -> String {
        (try? ConfigLoader.load(paths: paths, environment: ProcessInfo.processInfo.environment))?.logFile ?? paths.defaultLogFile
    }

    /// The last `lines` lines written to `path` after byte `offset`.
    static func tail(path: String, from offset: Int, lines: Int) -> String {
        guard let data = FileManager.default.contents(atPath: path), data.count > offset else { return "(no output)" }
        let text = String(decoding: data[offset...], as: UTF8.self)
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    static func waitUntilGone(_ process: ProcessIdentity, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !process.isAlive { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return !process.isAlive
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
