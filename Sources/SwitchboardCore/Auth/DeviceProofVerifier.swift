import Crypto
import Foundation
import SwitchboardProtocol

/// A device whose proof checked out: its id and normalised raw public key.
struct VerifiedDevice: Sendable, Hashable {
    var id: String
    /// Raw 32-byte Ed25519 key, base64url without padding.
    var publicKey: String
}

/// Why a device proof was refused; message and detail code as §2.6 lists them.
struct DeviceProofFailure: Error, Sendable, Equatable {
    var code: GatewayDetailCode
    var message: String
    var reason: String
}

/// Verifies `connect.device` exactly as §2.6 orders the checks: key, id, clock skew, nonce
/// presence, nonce binding, then the signature over the v3 payload, else the v2 payload.
struct DeviceProofVerifier: Sendable {
    var skewMs: Int

    func verify(_ params: ConnectParams, challengeNonce: String, nowMs: Int) -> Result<VerifiedDevice, DeviceProofFailure> {
        guard let proof = params.device else {
            return .failure(.init(code: .deviceIdentityRequired, message: "device identity required", reason: "device-missing"))
        }
        guard let rawKey = Self.rawPublicKey(from: proof.publicKey),
            let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: rawKey)
        else {
            return .failure(.init(code: .devicePublicKeyInvalid, message: "device public key invalid", reason: "public-key-invalid"))
        }
        let expectedId = SHA256.hash(data: rawKey).map { String(format: "%02x", $0) }.joined()
        guard proof.id.lowercased() == expectedId else {
            return .failure(.init(code: .deviceIdMismatch, message: "device identity mismatch", reason: "device-id-mismatch"))
        }
        guard abs(nowMs - proof.signedAt) <= skewMs else {
            return .failure(.init(code: .deviceSignatureExpired, message: "device signature expired", reason: "signature-expired"))
        }
        guard let nonce = proof.nonce, !nonce.isEmpty else {
            return .failure(.init(code: .deviceNonceRequired, message: "device nonce required", reason: "nonce-missing"))
        }
        guard nonce == challengeNonce else {
            return .failure(.init(code: .deviceNonceMismatch, message: "device nonce mismatch", reason: "nonce-mismatch"))
        }
        guard let signature = Base64URL.decode(proof.signature) else {
            return .failure(.init(code: .deviceSignatureInvalid, message: "device signature invalid", reason: "signature-encoding"))
        }
        let token = params.auth?.token ?? params.auth?.deviceToken ?? params.auth?.bootstrapToken
        for version in [DeviceAuthPayload.Version.v3, .v2] {
            let payload = DeviceAuthPayload.build(
                version: version,
                deviceId: proof.id,
                clientId: params.client.id,
                clientMode: params.client.mode,
                role: params.role?.rawValue ?? GatewayRole.operator.rawValue,
                scopes: (params.scopes ?? []).map(\.rawValue),
                signedAtMs: proof.signedAt,
                token: token,
                nonce: nonce,
                platform: params.client.platform,
                deviceFamily: params.client.deviceFamily
            )
            if publicKey.isValidSignature(signature, for: Data(payload.utf8)) {
                return .success(VerifiedDevice(id: expectedId, publicKey: Base64URL.encode(rawKey)))
            }
        }
        return .failure(.init(code: .deviceSignatureInvalid, message: "device signature invalid", reason: "signature-invalid"))
    }

    /// Accepts raw base64url (the normal form) or a PEM SPKI block, which the server normalises.
    static func rawPublicKey(from text: String) -> Data? {
        if text.contains("BEGIN PUBLIC KEY") {
            let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            guard let der = Data(base64Encoded: body), der.count == 44 else { return nil }
            let prefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]
            guard Array(der.prefix(12)) == prefix else { return nil }
            return der.suffix(32)
        }
        guard let raw = Base64URL.decode(text), raw.count == 32 else { return nil }
        return raw
    }
}
