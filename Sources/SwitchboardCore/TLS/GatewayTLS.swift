import Crypto
import Foundation
import Logging
import NIOSSL
public import SwitchboardProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// The gateway's TLS identity for one generation: the certificate chain and key from
/// `gateway.tls.certPath`/`keyPath` (or the self-signed pair `autoGenerate` keeps in the state
/// dir), the server context built from them, and the SHA-256 fingerprint clients pin.
struct GatewayTLS: Sendable {
    /// Certificate and key files larger than this are refused (a PEM chain is a few KiB).
    static let maxFileBytes = 64 * 1024

    let certPath: String
    let keyPath: String
    /// The leaf certificate's SHA-256 fingerprint.
    let fingerprint: TLSFingerprint
    /// Whether this start made the pair.
    let generated: Bool
    let context: NIOSSLContext

    /// Loads (or makes) the identity; nil when TLS is off.
    /// - Throws: ``GatewayStartError/tlsUnavailable(_:)`` naming the file and the fix.
    static func load(_ settings: GatewayConfiguration.TLS, paths: GatewayPaths, logger: Logger) throws -> GatewayTLS? {
        guard settings.enabled else { return nil }
        let certPath = expand(settings.certPath) ?? paths.defaultTLSCertPath
        let keyPath = expand(settings.keyPath) ?? paths.defaultTLSKeyPath
        let manager = FileManager.default
        let hasCert = manager.fileExists(atPath: certPath)
        let hasKey = manager.fileExists(atPath: keyPath)
        var generated = false
        // The pair is written key first: a key alone at the default paths is a generation a
        // crash cut short (no certificate was ever served from it), so it is made again.
        let ownPair = certPath == paths.defaultTLSCertPath && keyPath == paths.defaultTLSKeyPath
        if !hasCert && (!hasKey || ownPair) && settings.autoGenerate {
            do {
                try generate(certPath: certPath, keyPath: keyPath)
            } catch {
                throw GatewayStartError.tlsUnavailable("gateway tls: could not make a self-signed certificate at \(certPath): \(error)")
            }
            generated = true
        } else if !hasCert || !hasKey {
            let missing = [(hasCert, "certificate \(certPath)"), (hasKey, "key \(keyPath)")].filter { !$0.0 }.map(\.1).joined(separator: " and ")
            let fix =
                hasCert || hasKey
                ? "restore it, or remove the other file too so gateway.tls.autoGenerate makes a new pair"
                : "set gateway.tls.certPath and keyPath to existing PEM files, or gateway.tls.autoGenerate to true"
            throw GatewayStartError.tlsUnavailable("gateway tls: missing \(missing); \(fix)")
        }
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(Array(read(certPath, label: "certificate")))
            guard !chain.isEmpty else { throw Problem("no PEM certificate in the file") }
        } catch {
            throw GatewayStartError.tlsUnavailable("gateway tls: cannot read the certificate \(certPath): \(describe(error))")
        }
        do {
            key = try NIOSSLPrivateKey(bytes: Array(read(keyPath, label: "key")), format: .pem)
        } catch {
            throw GatewayStartError.tlsUnavailable("gateway tls: cannot read the private key \(keyPath): \(describe(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv13
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw GatewayStartError.tlsUnavailable(
                "gateway tls: the key \(keyPath) does not fit the certificate \(certPath) (\(describe(error))); use the key the certificate was issued for"
            )
        }
        let fingerprint = TLSFingerprint(digest: SHA256.hash(data: try chain[0].toDERBytes()))
        if generated {
            logger.notice("gateway tls: made a self-signed certificate", metadata: ["sb.tls.cert": "\(certPath)", "sb.tls.fingerprint": "\(fingerprint)"])
        }
        return GatewayTLS(certPath: certPath, keyPath: keyPath, fingerprint: fingerprint, generated: generated, context: context)
    }

    /// The fingerprint of the certificate at the configured path, without starting anything
    /// (`doctor`, and the CLI pinning its own gateway); nil when TLS is off or the file is unreadable.
    static func fingerprint(of settings: GatewayConfiguration.TLS, paths: GatewayPaths) -> TLSFingerprint? {
        guard settings.enabled, let data = try? read(expand(settings.certPath) ?? paths.defaultTLSCertPath, label: "certificate"),
            let first = try? NIOSSLCertificate.fromPEMBytes(Array(data)).first, let der = try? first.toDERBytes()
        else { return nil }
        return TLSFingerprint(digest: SHA256.hash(data: der))
    }

    private static func generate(certPath: String, keyPath: String) throws {
        let manager = FileManager.default
        for directory in Set([certPath, keyPath].map { ($0 as NSString).deletingLastPathComponent }) {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let material = try SelfSignedCertificate.make(hostName: ProcessInfo.processInfo.hostName, addresses: HostAddresses.current())
        // The key first: a crash between the two leaves a key alone, which the next start names.
        try DurableFile.replace(keyPath, with: Data(material.privateKeyPEM.utf8), mode: 0o600)
        try DurableFile.replace(certPath, with: Data(material.certificatePEM.utf8), mode: 0o644)
    }

    private static func read(_ path: String, label: String) throws -> Data {
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maxFileBytes else { throw Problem("the \(label) file is \(size) bytes; at most \(maxFileBytes) are read") }
        guard let data = FileManager.default.contents(atPath: path) else { throw Problem("the file cannot be read (permissions?)") }
        return data
    }

    private static func expand(_ path: String?) -> String? {
        guard let path, !path.isEmpty else { return nil }
        return (path as NSString).expandingTildeInPath
    }

    private static func describe(_ error: any Error) -> String {
        if let problem = error as? Problem { return problem.text }
        return String(describing: error)
    }

    private struct Problem: Error {
        var text: String
        init(_ text: String) { self.text = text }
    }
}

extension LoadedConfiguration {
    /// The fingerprint of this config's TLS certificate, read from its file (nil when TLS is off
    /// or there is no readable certificate yet): what a CLI on the gateway host pins.
    public var localTLSFingerprint: TLSFingerprint? { GatewayTLS.fingerprint(of: configuration.gateway.tls, paths: paths) }
}
