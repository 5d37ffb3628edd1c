import Foundation
import SwitchboardTesting
import Testing

/// On the gateway host the CLI needs no URL and no pin: the lock record says where the gateway
/// listens (a port given at start, not the config's) and that it speaks TLS, and the config's
/// certificate file gives the fingerprint to pin.
@Suite(.timeLimit(.minutes(2)))
struct LocalTLSCLITests {
    @Test("status, call and gateway status reach a TLS gateway started on another port with no --url, pinning its own certificate")
    func localCLIFindsTheTLSGateway() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        try await GatewayBinary.with(config: #"{ gateway: { port: 1, tls: { enabled: true } } }"#, stateDir: stateDir) { gateway in
            #expect(gateway.port != 1, "the gateway listens on the port given at start")
            let status = try await runCLI(["status"], stateDir: stateDir)
            #expect(status.code == 0 && status.output.contains("127.0.0.1:\(gateway.port)") && status.output.contains("tls"), "\(status.output)")
            let health = try await runCLI(["call", "health"], stateDir: stateDir)
            #expect(health.code == 0 && health.output.contains("\"ok\""), "\(health.output)")
            let daemon = try await runCLI(["gateway", "status"], stateDir: stateDir)
            #expect(daemon.code == 0 && daemon.output.contains("health      ok"), "\(daemon.output)")
        }
    }
}
