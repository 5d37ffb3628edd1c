import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOSSL
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// `gateway.tls`: the gateway serves `wss://` and `https://` on its one port with a certificate
/// it made itself (kept in the state dir), and clients trust it by its pinned SHA-256
/// fingerprint — a different certificate is refused with OpenClaw's "gateway tls fingerprint mismatch".
@Suite(.timeLimit(.minutes(2)))
struct GatewayTLSTests {
    static let tlsConfig = #"{ gateway: { tls: { enabled: true } } }"#

    /// The fingerprint of the PEM certificate at `path`, computed here from its DER bytes.
    static func fingerprint(ofPEMAt path: String) throws -> TLSFingerprint {
        let certificate = try #require(try NIOSSLCertificate.fromPEMFile(path).first)
        return TLSFingerprint(digest: SHA256.hash(data: try certificate.toDERBytes()))
    }

    static func configuration(_ gateway: TestGateway, pin: TLSFingerprint?) -> GatewayClientConfiguration {
        var configuration = gateway.clientConfiguration()
        configuration.url = "wss://127.0.0.1:\(gateway.port)"
        configuration.tlsFingerprint = pin
        configuration.connectTimeout = .seconds(10)
        return configuration
    }

    /// Connects and returns why it failed (nil when it connected).
    static func connectFailure(_ configuration: GatewayClientConfiguration) async -> GatewayClientError? {
        do {
            try await withGatewayClient(configuration) { client in _ = try await client.waitUntilConnected() }
            return nil
        } catch let error as GatewayClientError {
            return error
        } catch {
            return GatewayClientError(.invalidResponse, "unexpected \(error)")
        }
    }

    @Test("autoGenerate makes a self-signed pair in the state dir (key 0600); a pinned client connects over wss:// and status shows the same fingerprint; a restart keeps the certificate")
    func pinnedClientConnects() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let paths = GatewayPaths(stateDir: stateDir)
        let first = try await TestGateway.with(config: Self.tlsConfig, stateDir: stateDir) { gateway in
            let keyMode = try #require((try FileManager.default.attributesOfItem(atPath: paths.defaultTLSKeyPath))[.posixPermissions] as? NSNumber)
            #expect(keyMode.intValue & 0o077 == 0, "the private key is readable by its owner only")
            let pin = try Self.fingerprint(ofPEMAt: paths.defaultTLSCertPath)
            let status = try await gateway.withClient(Self.configuration(gateway, pin: pin)) { client in try await client.call(Status.self) }
            #expect(status.tls == .init(enabled: true, fingerprintSha256: pin.description))
            let log = try String(contentsOfFile: gateway.logFile, encoding: .utf8)
            #expect(log.contains(pin.description), "the log names the fingerprint")
            return pin
        }
        let second = try await TestGateway.with(config: Self.tlsConfig, stateDir: stateDir) { gateway in
            try await gateway.withClient(Self.configuration(gateway, pin: first)) { client in try await client.call(Status.self).tls?.fingerprintSha256 }
        }
        #expect(second == first.description, "the certificate made at the first start is used again")
    }

    @Test("a wrong pin is refused with OpenClaw's error and no retry; no pin is 'not trusted'; ws:// to the TLS port fails at once with a hint")
    func wrongPinRefused() async throws {
        try await TestGateway.with(config: Self.tlsConfig) { gateway in
            let wrong = try #require(TLSFingerprint(String(repeating: "ab", count: 32)))
            var reconnecting = Self.configuration(gateway, pin: wrong)
            reconnecting.reconnect = true
            let mismatch = try #require(await Self.connectFailure(reconnecting))
            #expect(mismatch.code == .tlsFingerprintMismatch)
            #expect(mismatch.message.contains("gateway tls fingerprint mismatch"), "\(mismatch.message)")
            #expect(mismatch.message.contains(try Self.fingerprint(ofPEMAt: gateway.paths.defaultTLSCertPath).description), "the presented fingerprint is named")

            let untrusted = try #require(await Self.connectFailure(Self.configuration(gateway, pin: nil)))
            #expect(untrusted.code == .tlsUntrusted && untrusted.message.contains("--tls-fingerprint"), "\(untrusted)")

            var plain = gateway.clientConfiguration()
            plain.connectTimeout = .seconds(10)
            let refused = try #require(await Self.connectFailure(plain))
            #expect(refused.code == .unreachable && refused.message.contains("use wss://"), "\(refused)")
        }
    }

    @Test("https:// on the same port: a standard HTTP client that trusts the certificate file checks the name localhost and gets /healthz")
    func httpsOnTheSamePort() async throws {
        try await TestGateway.with(config: Self.tlsConfig) { gateway in
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(gateway.paths.defaultTLSCertPath)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
            do {
                let response = try await client.execute(HTTPClientRequest(url: "https://localhost:\(gateway.port)/healthz"), timeout: .seconds(10))
                let body = try await response.body.collect(upTo: 4096)
                #expect(String(buffer: body).contains("\"status\":\"live\""), "the health answer came over https")
                // Plain http:// to the TLS port gets no answer.
                let plain = try? await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(gateway.port)/healthz"), timeout: .seconds(10))
                #expect(plain == nil)
            } catch {
                try await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }

    @Test("bad TLS files stop the start with a message naming the file and the fix")
    func badFilesNamed() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let missing = stateDir + "/nope.pem"
        let noFiles = await Self.startFailure(#"{ gateway: { tls: { enabled: true, autoGenerate: false, certPath: "\#(missing)", keyPath: "\#(missing)" } } }"#, stateDir: stateDir)
        #expect(noFiles.contains("missing certificate \(missing)") && noFiles.contains("autoGenerate"), "\(noFiles)")

        // A pair made by another start, then the key swapped for a foreign one.
        let paths = GatewayPaths(stateDir: stateDir)
        try await TestGateway.with(config: Self.tlsConfig, stateDir: stateDir) { _ in }
        try Data(P256.Signing.PrivateKey().pemRepresentation.utf8).write(to: URL(fileURLWithPath: paths.defaultTLSKeyPath))
        let foreignKey = await Self.startFailure(Self.tlsConfig, stateDir: stateDir)
        #expect(foreignKey.contains("does not fit the certificate"), "\(foreignKey)")

        try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: paths.defaultTLSCertPath))
        let garbage = await Self.startFailure(Self.tlsConfig, stateDir: stateDir)
        #expect(garbage.contains("cannot read the certificate \(paths.defaultTLSCertPath)"), "\(garbage)")

        // A key alone at the default paths is a generation cut between its two writes: made again.
        try FileManager.default.removeItem(atPath: paths.defaultTLSCertPath)
        #expect(await Self.startFailure(Self.tlsConfig, stateDir: stateDir) == "started")
        #expect(FileManager.default.fileExists(atPath: paths.defaultTLSCertPath))

        // A key of the user's own without its certificate is not replaced: the start names both.
        let ownKey = stateDir + "/own-key.pem"
        try Data(P256.Signing.PrivateKey().pemRepresentation.utf8).write(to: URL(fileURLWithPath: ownKey))
        let keyAlone = await Self.startFailure(
            #"{ gateway: { tls: { enabled: true, certPath: "\#(stateDir)/own-cert.pem", keyPath: "\#(ownKey)" } } }"#, stateDir: stateDir)
        #expect(keyAlone.contains("missing certificate") && keyAlone.contains("remove the other file"), "\(keyAlone)")
    }

    static func startFailure(_ config: String, stateDir: String) async -> String {
        do {
            try await TestGateway.with(config: config, stateDir: stateDir) { _ in }
            return "started"
        } catch {
            return String(describing: error)
        }
    }
}
