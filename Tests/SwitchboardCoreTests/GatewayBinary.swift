import Foundation
import SwitchboardClient
import SwitchboardTesting

/// The real `switchboard` binary on a free port with a state dir and config, for tests that
/// stop or kill it; `body` gets the process and a way to connect.
struct GatewayBinary: Sendable {
    let process: ChildProcess
    let port: Int

    static func with<T: Sendable>(config: String, stateDir: String, _ body: (GatewayBinary) async throws -> T) async throws -> T {
        try Data(config.utf8).write(to: URL(fileURLWithPath: stateDir + "/switchboard.json"))
        let process = try ChildProcess(
            executable: ChildProcess.switchboardExecutable(), arguments: ["gateway", "run", "--port", "0"], environment: daemonEnvironment(stateDir: stateDir)
        )
        defer { process.terminate() }
        let line = try await process.waitForLine(containing: "gateway listening")
        let port = try unwrap(line.range(of: "sb.port=").flatMap { Int(line[$0.upperBound...].prefix { $0.isNumber }) }, "port")
        return try await body(GatewayBinary(process: process, port: port))
    }

    func withClient<T: Sendable>(_ body: @Sendable (GatewayClient) async throws -> T) async throws -> T {
        let config = GatewayClientConfiguration(url: "ws://127.0.0.1:\(port)", connectTimeout: .seconds(10), reconnect: false)
        return try await withGatewayClient(config) { client in
            _ = try await client.waitUntilConnected()
            return try await body(client)
        }
    }
}
