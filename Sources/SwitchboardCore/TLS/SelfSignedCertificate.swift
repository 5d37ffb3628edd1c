import Crypto
import Foundation
import SwiftASN1
import X509

/// The certificate `gateway.tls.autoGenerate` makes: a P-256 key and a self-signed
/// certificate naming this host (localhost, its loopback and interface addresses, its host
/// name), valid for ten years. Clients trust it by pinning its fingerprint, not by name, so
/// the names only spare a browser one more warning.
enum SelfSignedCertificate {
    static let commonName = "switchboard-gateway"
    static let validity: TimeInterval = 10 * 365 * 24 * 3600

    struct Material {
        var certificatePEM: String
        var privateKeyPEM: String
    }

    static func make(hostName: String, addresses: Set<String>, now: Date = Date()) throws -> Material {
        let key = P256.Signing.PrivateKey()
        let certificateKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName { CommonName(commonName) }
        var names: [GeneralName] = [.dnsName("localhost")]
        if !hostName.isEmpty, hostName != "localhost", hostName.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }) {
            names.append(.dnsName(hostName))
        }
        for address in (addresses.union(["127.0.0.1", "::1"])).sorted() {
            if let bytes = ipBytes(address) { names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes)))) }
        }
        let extensions = try Certificate.Extensions {
            // Its own issuer, as `openssl req -x509` makes it: verifiers (BoringSSL among them)
            // take a self-signed certificate as a trust root only when it may sign certificates.
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames(names)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: certificateKey.publicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(validity),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: certificateKey
        )
        return Material(certificatePEM: try certificate.serializeAsPEM().pemString + "\n", privateKeyPEM: key.pemRepresentation + "\n")
    }

    /// The 4 or 16 bytes of an IP literal, or nil for anything else.
    static func ipBytes(_ text: String) -> [UInt8]? {
        // Raw buffers: the libc address structs belong to whichever module loaded them first.
        var bytes = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET, text, &bytes) == 1 { return Array(bytes.prefix(4)) }
        if inet_pton(AF_INET6, text, &bytes) == 1 { return bytes }
        return nil
    }
}
