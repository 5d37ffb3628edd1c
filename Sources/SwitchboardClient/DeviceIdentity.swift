import Crypto
public import Foundation
public import SwitchboardProtocol

/// An Ed25519 device key pair; `id` is the hex SHA-256 of the raw public key (§2.6).
public struct DeviceIdentity: Sendable {
    /// The raw 32-byte Ed25519 private key (kept as bytes: the key type is not `Sendable`).
    public let privateKeyRaw: Data

    /// A new random identity.
    public init() {
        privateKeyRaw = Curve25519.Signing.PrivateKey().rawRepresentation
    }

    /// Restores an identity from its raw private key.
    public init(privateKeyRaw: Data) throws {
        _ = try Curve25519.Signing.PrivateKey(rawRepresentation: privateKeyRaw)
        self.privateKeyRaw = privateKeyRaw
    }

    private var privateKey: Curve25519.Signing.PrivateKey {
        // Validated in init, so this cannot fail.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: privateKeyRaw)
    }

    public var publicKeyRaw: Data { privateKey.publicKey.rawRepresentation }
    /// base64url, no padding: the wire form of `device.publicKey`.
    public var publicKey: String { Base64URL.encode(publicKeyRaw) }
    public var id: String { SHA256.hash(data: publicKeyRaw).map { String(format: "%02x", $0) }.joined() }

    /// Signs a payload string; base64url without padding.
    public func sign(_ payload: String) throws -> String {
        Base64URL.encode(try privateKey.signature(for: Data(payload.utf8)))
    }

    /// Builds `connect.device` for this connection's challenge.
    public func proof(
        version: DeviceAuthPayload.Version, params: ConnectParams, nonce: String, signedAtMs: Int
    ) throws -> DeviceProof {
        let payload = DeviceAuthPayload.build(
            version: version, deviceId: id, clientId: params.client.id, clientMode: params.client.mode,
            role: (params.role ?? .operator).rawValue, scopes: (params.scopes ?? []).map(\.rawValue), signedAtMs: signedAtMs,
            token: params.auth?.token ?? params.auth?.deviceToken ?? params.auth?.bootstrapToken, nonce: nonce,
            platform: params.client.platform, deviceFamily: params.client.deviceFamily
        )
        return DeviceProof(id: id, publicKey: publicKey, signature: try sign(payload), signedAt: signedAtMs, nonce: nonce)
    }
}

/// The identity file a CLI or app keeps: key pair plus the device tokens it was issued.
/// Written with mode 0600 (it holds a private key).
public struct DeviceIdentityFile: Codable, Sendable {
    public var version = 1
    public var deviceId: String
    public var publicKey: String
    public var privateKey: String
    public var createdAtMs: Int
    /// Device tokens by role.
    public var tokens: [String: String] = [:]

    public init(identity: DeviceIdentity, createdAtMs: Int) {
        deviceId = identity.id
        publicKey = identity.publicKey
        privateKey = Base64URL.encode(identity.privateKeyRaw)
        self.createdAtMs = createdAtMs
    }

    public func identity() throws -> DeviceIdentity {
        guard let raw = Base64URL.decode(privateKey) else { throw CocoaError(.fileReadCorruptFile) }
        return try DeviceIdentity(privateKeyRaw: raw)
    }

    /// Loads the file at `path`, creating a new identity there if none exists.
    public static func loadOrCreate(at path: String) throws -> DeviceIdentityFile {
        if let data = FileManager.default.contents(atPath: path) {
            return try GatewayJSON.decoder.decode(DeviceIdentityFile.self, from: data)
        }
        let file = DeviceIdentityFile(identity: DeviceIdentity(), createdAtMs: Int(Date().timeIntervalSince1970 * 1000))
        try file.save(to: path)
        return file
    }

    public func save(to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let data = try GatewayJSON.prettyEncoder.encode(self)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }
}
