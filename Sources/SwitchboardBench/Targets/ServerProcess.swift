import Foundation
import SwitchboardTesting

#if canImport(Glibc)
    import Glibc
#endif

/// A server under test in a process of its own, so its memory and CPU can be read from
/// `/proc` apart from the load generator's: the real `switchboard` binary, or a baseline.
final class ServerProcess: Sendable {
    let name: String
    let port: Int
    let stateDir: String
    private let child: ChildProcess
    /// When the process was spawned (monotonic ns).
    let spawnedAtNs: UInt64

    private init(name: String, port: Int, stateDir: String, child: ChildProcess, spawnedAtNs: UInt64) {
        self.name = name
        self.port = port
        self.stateDir = stateDir
        self.child = child
        self.spawnedAtNs = spawnedAtNs
    }

    var pid: pid_t { child.pid }
    func sample() -> ProcessSample? { ProcessSample.read(pid: child.pid) }

    /// The binaries next to this one (`swift build -c release` puts them together).
    static func sibling(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// The real gateway with `config` (JSON5) in `stateDir`, a bench token, and little logging.
    /// Returns once spawned; see ``waitUntilReady(timeout:)``.
    ///
    /// `SWITCHBOARD_BENCH_WRAPPER` (say, `heaptrack -o /tmp/gw`) runs the gateway under a
    /// profiler; the figures read from `/proc` are then the wrapper's, so use it for the
    /// profile, not the report.
    static func spawnGateway(config: String, stateDir: String, port: Int? = nil, logLevel: String = "warning") throws -> ServerProcess {
        let port = try port ?? FreePort.pick()
        try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        let configPath = stateDir + "/switchboard.json"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SWITCHBOARD_") && $0.key != "NOTIFY_SOCKET" }
        environment["SWITCHBOARD_STATE_DIR"] = stateDir
        environment["SWITCHBOARD_GATEWAY_TOKEN"] = BenchGateway.token
        let start = BenchClock.nowNs()
        var command = (ProcessInfo.processInfo.environment["SWITCHBOARD_BENCH_WRAPPER"] ?? "").split(separator: " ").map(String.init)
        command += ServerPinning.command(sibling("switchboard")) + ["gateway", "run", "--port", String(port), "--log-level", logLevel, "--config", configPath]
        let child = try ChildProcess(
            executable: command[0], arguments: Array(command.dropFirst()), environment: environment, outputPath: stateDir + "/gateway.console.log"
        )
        return ServerProcess(name: "switchboard", port: port, stateDir: stateDir, child: child, spawnedAtNs: start)
    }

    /// A baseline server (`switchboard-bench baseline-server`).
    static func spawnBaseline(_ kind: BaselineKind, threads: Int, providerBaseURL: String? = nil) throws -> ServerProcess {
        let port = try FreePort.pick()
        let stateDir = NSTemporaryDirectory() + "sb-bench-\(kind.rawValue)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        let start = BenchClock.nowNs()
        var arguments = ["baseline-server", "--kind", kind.rawValue, "--port", String(port), "--threads", String(threads)]
        if kind == .turn, let providerBaseURL {
            arguments += ["--provider-url", providerBaseURL + "/chat/completions", "--database", stateDir + "/turns.sqlite"]
        }
        let child = try ChildProcess(
            executable: ServerPinning.command(sibling("switchboard-bench"))[0],
            arguments: Array(ServerPinning.command(sibling("switchboard-bench")).dropFirst()) + arguments,
            environment: ProcessInfo.processInfo.environment, outputPath: stateDir + "/console.log"
        )
        return ServerProcess(name: kind.label, port: port, stateDir: stateDir, child: child, spawnedAtNs: start)
    }

    /// Polls until the server answers (`GET /ready` = 200 for the gateway, a TCP accept for a
    /// baseline); returns the time since spawn in ms.
    @discardableResult
    func waitUntilReady(timeout: Duration = .seconds(30), path: String? = "/ready") async throws -> Double {
        let port = port
        let deadline = BenchClock.nowNs() + UInt64(timeout.components.seconds) * 1_000_000_000
        let ready: Bool = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                while BenchClock.nowNs() < deadline {
                    if let path {
                        if ReadyProbe.httpStatus(port: port, path: path) == 200 { return continuation.resume(returning: true) }
                    } else if ReadyProbe.accepts(port: port) {
                        return continuation.resume(returning: true)
                    }
                    usleep(1000)
                }
                continuation.resume(returning: false)
            }
        }
        guard ready else {
            let log = (try? String(contentsOfFile: stateDir + "/gateway.console.log", encoding: .utf8)) ?? ""
            throw LoadClientError.unexpected("\(name) did not become ready on port \(port) within \(timeout)\n\(log.suffix(2000))")
        }
        return Double(BenchClock.nowNs() - spawnedAtNs) / 1e6
    }

    /// SIGTERM, then SIGKILL if it has not exited within 15 s.
    func stop() async {
        child.signal(SIGTERM)
        if (try? await child.waitForExit(timeout: .seconds(15))) == nil { child.terminate() }
    }
}

/// A free loopback port, found by binding port 0 and letting it go (fine for a benchmark).
enum FreePort {
    static func pick() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Blocking one-shot probes for the readiness poll (run on a thread of their own).
enum ReadyProbe {
    static func connected(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        if ok { return fd }
        close(fd)
        return nil
    }

    static func accepts(port: Int) -> Bool {
        guard let fd = connected(port: port) else { return false }
        close(fd)
        return true
    }

    /// The status code of `GET path`, or nil when nothing answers.
    static func httpStatus(port: Int, path: String) -> Int? {
        guard let fd = connected(port: port) else { return nil }
        defer { close(fd) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count >= 12 else { return nil }
        return Int(String(decoding: buffer[9..<12], as: UTF8.self))
    }
}
