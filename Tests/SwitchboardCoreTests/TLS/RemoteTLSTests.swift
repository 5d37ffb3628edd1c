import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// TLS and pinning over a real non-loopback link: the gateway (real binary, `gateway.tls` on,
/// bound to all interfaces) here, the CLI in another network namespace joined by a veth pair.
/// The remote CLI is refused without the pin and with a wrong one, then pairs over `wss://`
/// with the right pin: refused with a request id, approved on the gateway host, admitted
/// without the shared secret.
@Suite(.timeLimit(.minutes(3)), .serialized)
struct RemoteTLSTests {
    static let token = "remote-tls-token-0123456789abcdef"

    /// What each test gets: the other host, the running TLS gateway, its state dir and the remote
    /// CLI's, the environment a CLI on the gateway host uses, and the certificate's fingerprint.
    struct Setup {
        var namespace: NetworkNamespace
        var gateway: GatewayBinary
        var stateDir: String
        var remoteDir: String
        var local: [String: String]
        var fingerprint: String
    }

    /// A TLS gateway (real binary, bound to all interfaces, token auth) and a second host.
    static func withRemoteTLSGateway(_ body: (Setup) async throws -> Void) async throws {
        guard let namespace = try await NetworkNamespace.create() else { return }
        let stateDir = TestGateway.makeTemporaryDirectory()
        let remoteDir = TestGateway.makeTemporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: stateDir)
            try? FileManager.default.removeItem(atPath: remoteDir)
        }
        do {
            let config = #"{ gateway: { bind: "lan", auth: { token: "\#(token)" }, tls: { enabled: true } } }"#
            try await GatewayBinary.with(config: config, stateDir: stateDir) { gateway in
                // On the gateway host the CLI pins the gateway's own certificate by itself.
                let local = ["SWITCHBOARD_GATEWAY_URL": "wss://127.0.0.1:\(gateway.port)", "SWITCHBOARD_GATEWAY_TOKEN": token]
                let status = try await runCLI(["status"], stateDir: stateDir, extra: local)
                #expect(status.code == 0, "\(status.output)")
                let fingerprint = try unwrap(
                    status.output.range(of: #"--tls-fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}"#, options: .regularExpression)
                        .map { String(status.output[$0].suffix(95)) },
                    "fingerprint in: \(status.output)")
                try await body(Setup(namespace: namespace, gateway: gateway, stateDir: stateDir, remoteDir: remoteDir, local: local, fingerprint: fingerprint))
            }
        } catch {
            await namespace.remove()
            throw error
        }
        await namespace.remove()
    }

    @Test(
        "remote over wss://: no pin → not trusted; wrong pin → fingerprint mismatch; ws:// → use wss://; right pin → pairing request, approval, admitted",
        .enabled(if: NetworkNamespace.unavailableReason == nil, "network namespaces cannot be created here")
    )
    func remotePinningAndPairing() async throws {
        try await Self.withRemoteTLSGateway { setup in
            let (namespace, gateway, fingerprint) = (setup.namespace, setup.gateway, setup.fingerprint)
            let remoteURL = "wss://\(namespace.hostAddress):\(gateway.port)"
            func remote(_ arguments: [String]) async throws -> (code: Int32, output: String) {
                try await namespace.run(ChildProcess.switchboardExecutable(), arguments, environment: daemonEnvironment(stateDir: setup.remoteDir))
            }

            let unpinned = try await remote(["call", "health", "--url", remoteURL, "--token", Self.token])
            #expect(unpinned.code == 76 && unpinned.output.contains("not trusted") && unpinned.output.contains("--tls-fingerprint"), "\(unpinned.output)")
            let wrongPin = String(repeating: "00:", count: 31) + "00"
            let mismatch = try await remote(["call", "health", "--url", remoteURL, "--token", Self.token, "--tls-fingerprint", wrongPin])
            #expect(mismatch.code == 76 && mismatch.output.contains("gateway tls fingerprint mismatch"), "\(mismatch.output)")
            #expect(mismatch.output.contains(fingerprint), "the fingerprint actually presented is named")
            let plain = try await remote(["call", "health", "--url", "ws://\(namespace.hostAddress):\(gateway.port)", "--token", Self.token])
            #expect(plain.code != 0 && plain.output.contains("use wss://"), "\(plain.output)")

            // The right pin (lower-case, no colons: any spelling) reaches the gateway: an unknown device must be approved.
            let pin = fingerprint.replacingOccurrences(of: ":", with: "").lowercased()
            let asked = try await remote(["call", "health", "--url", remoteURL, "--token", Self.token, "--tls-fingerprint", pin])
            #expect(asked.code != 0 && asked.output.contains("waiting for approval"), "\(asked.output)")
            let requestId = try unwrap(
                asked.output.range(of: #"devices approve [0-9a-f-]{36}"#, options: .regularExpression).map { String(asked.output[$0].suffix(36)) },
                "request id in: \(asked.output)")
            let approved = try await runCLI(["devices", "approve", requestId], stateDir: setup.stateDir, extra: setup.local)
            #expect(approved.code == 0, "\(approved.output)")
            let admitted = try await remote(["call", "health", "--url", remoteURL, "--tls-fingerprint", pin])
            #expect(admitted.code == 0 && admitted.output.contains("\"ok\""), "\(admitted.output)")
        }
    }

    @Test(
        "a headless node on another host over wss:// with the pin: refused until approved on the gateway host, then serves its command to a local operator",
        .enabled(if: NetworkNamespace.unavailableReason == nil, "network namespaces cannot be created here")
    )
    func remoteHeadlessNode() async throws {
        try await Self.withRemoteTLSGateway { setup in
            let (namespace, gateway, pin) = (setup.namespace, setup.gateway, setup.fingerprint)
            let node = [
                "node", "run", "--url", "wss://\(namespace.hostAddress):\(gateway.port)", "--tls-fingerprint", pin, "--name", "remote-box",
                "--command", "where=hostname -I", "--timeout", "20",
            ]
            let asked = try await namespace.run(
                ChildProcess.switchboardExecutable(), node + ["--token", Self.token], environment: daemonEnvironment(stateDir: setup.remoteDir))
            #expect(asked.code != 0 && asked.output.contains("waiting for approval"), "\(asked.output)")
            let requestId = try unwrap(
                asked.output.range(of: #"devices approve [0-9a-f-]{36}"#, options: .regularExpression).map { String(asked.output[$0].suffix(36)) },
                "request id in: \(asked.output)")
            let approved = try await runCLI(["devices", "approve", requestId], stateDir: setup.stateDir, extra: setup.local)
            #expect(approved.code == 0, "\(approved.output)")

            // Approved: the node connects by its signature alone and serves.
            let process = try namespace.spawn(ChildProcess.switchboardExecutable(), node, environment: daemonEnvironment(stateDir: setup.remoteDir))
            defer { process.terminate() }
            var operatorConfig = GatewayClientConfiguration(url: "wss://127.0.0.1:\(gateway.port)", token: Self.token, connectTimeout: .seconds(10), reconnect: false)
            operatorConfig.tlsFingerprint = TLSFingerprint(pin)
            try await withGatewayClient(operatorConfig) { client in
                try await client.waitUntilConnected()
                var remote: NodeSummary?
                while remote == nil {
                    remote = try await client.call(NodeList.self).nodes.first { $0.displayName == "remote-box" && $0.connected }
                    if remote == nil { _ = try await client.event(named: "presence", timeout: .seconds(20)) }
                }
                let nodeId = try unwrap(remote?.nodeId)
                #expect(remote?.remoteIp?.contains(namespace.peerAddress) == true, "the node connected from the other host: \(String(describing: remote))")
                let answer = try await client.call(NodeInvoke.self, .init(nodeId: nodeId, command: "where", idempotencyKey: "where-1"))
                #expect(answer.payload?["output"]?.stringValue?.contains(namespace.peerAddress) == true, "\(String(describing: answer.payload))")
            }
        }
    }
}
