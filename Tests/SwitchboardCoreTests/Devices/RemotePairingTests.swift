import Foundation
import SwitchboardTesting
import Testing

/// Pairing over a real non-loopback link: the gateway (real binary, token auth, bound to all
/// interfaces) in this network namespace, the CLI in another joined by a veth pair. An unknown
/// device is refused with a request id, approved from the gateway host, then connects.
@Suite(.timeLimit(.minutes(3)), .serialized)
struct RemotePairingTests {
    static let token = "remote-pairing-token-0123456789"

    @Test(
        "remote device: refused with a request id and what to run, approved on the gateway host, then admitted without the shared secret and with its own token after",
        .enabled(if: NetworkNamespace.unavailableReason == nil, "network namespaces cannot be created here")
    )
    func remoteApproval() async throws {
        guard let namespace = try await NetworkNamespace.create() else { return }
        let stateDir = TestGateway.makeTemporaryDirectory()
        let remoteDir = TestGateway.makeTemporaryDirectory()
        do {
            let config = #"{ gateway: { bind: "lan", auth: { token: "\#(Self.token)" } } }"#
            try await GatewayBinary.with(config: config, stateDir: stateDir) { gateway in
                let remoteURL = "ws://\(namespace.hostAddress):\(gateway.port)"
                let local = ["SWITCHBOARD_GATEWAY_URL": "ws://127.0.0.1:\(gateway.port)", "SWITCHBOARD_GATEWAY_TOKEN": Self.token]
                func remote(_ arguments: [String]) async throws -> (code: Int32, output: String) {
                    try await namespace.run(ChildProcess.switchboardExecutable(), arguments + ["--url", remoteURL], environment: daemonEnvironment(stateDir: remoteDir))
                }

                // A wrong secret is an auth error, not a pairing request.
                let wrong = try await remote(["call", "health", "--token", "not-the-token"])
                #expect(wrong.code == 77 && wrong.output.contains("token mismatch"), "\(wrong.output)")
                let asked = try await remote(["call", "health", "--token", Self.token])
                #expect(asked.code != 0 && asked.output.contains("waiting for approval"), "\(asked.output)")
                let requestId = try unwrap(
                    asked.output.range(of: #"devices approve [0-9a-f-]{36}"#, options: .regularExpression).map { String(asked.output[$0].suffix(36)) },
                    "request id in: \(asked.output)")

                let listed = try await runCLI(["devices", "list"], stateDir: stateDir, extra: local)
                #expect(listed.output.contains("waiting  \(requestId)") && listed.output.contains(namespace.peerAddress), "\(listed.output)")
                let approved = try await runCLI(["devices", "approve", String(requestId.prefix(8)), "--name", "laptop"], stateDir: stateDir, extra: local)
                #expect(approved.code == 0 && approved.output.contains("approved"), "\(approved.output)")

                // No secret: the approved device collects its token by its signature alone.
                let first = try await remote(["call", "health"])
                #expect(first.code == 0 && first.output.contains("\"ok\""), "\(first.output)")
                // And from then on connects with that token.
                let second = try await remote(["call", "health"])
                #expect(second.code == 0, "\(second.output)")
                let identity = try String(contentsOfFile: remoteDir + "/identity/cli-device.json", encoding: .utf8)
                #expect(identity.contains("operator"), "the device token is kept with the CLI's identity")
            }
        } catch {
            await namespace.remove()
            try? FileManager.default.removeItem(atPath: stateDir)
            try? FileManager.default.removeItem(atPath: remoteDir)
            throw error
        }
        await namespace.remove()
        try? FileManager.default.removeItem(atPath: stateDir)
        try? FileManager.default.removeItem(atPath: remoteDir)
    }

    @Test(
        "the host's own non-loopback address is local only with gateway.pairing.trustHostAddresses",
        .enabled(if: NetworkNamespace.unavailableReason == nil, "network namespaces cannot be created here")
    )
    func hostAddressTrust() async throws {
        // The namespace only gives this host a second, non-loopback address to connect to.
        guard let namespace = try await NetworkNamespace.create() else { return }
        let stateDir = TestGateway.makeTemporaryDirectory()
        let clientDir = TestGateway.makeTemporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: stateDir)
            try? FileManager.default.removeItem(atPath: clientDir)
        }
        do {
            for trusted in [false, true] {
                let config = #"{ gateway: { bind: "lan", auth: { token: "\#(Self.token)" }, pairing: { trustHostAddresses: \#(trusted) } } }"#
                try await GatewayBinary.with(config: config, stateDir: stateDir) { gateway in
                    let url = "ws://\(namespace.hostAddress):\(gateway.port)"
                    let result = try await runCLI(["call", "health", "--url", url, "--token", Self.token], stateDir: clientDir)
                    if trusted {
                        #expect(result.code == 0, "\(result.output)")
                    } else {
                        #expect(result.code != 0 && result.output.contains("waiting for approval"), "\(result.output)")
                    }
                }
            }
        } catch {
            await namespace.remove()
            throw error
        }
        await namespace.remove()
    }
}
