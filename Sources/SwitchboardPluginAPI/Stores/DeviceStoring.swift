/// Durable pairing records. Core talks to this protocol so a later shared store (PostgreSQL)
/// can replace SQLite without touching the handshake.
public protocol DeviceStoring: Sendable {
    func device(id: String, role: String) async throws -> PairedDevice?
    /// Inserts or replaces the record for `(deviceId, role)`.
    func save(_ device: PairedDevice) async throws
    /// Records when (and why: `connect`, a node's background wake) the device was last seen.
    func touch(deviceId: String, role: String, atMs: Int, reason: String) async throws
    func allDevices() async throws -> [PairedDevice]
    func remove(deviceId: String) async throws
    /// Removes the record for `(deviceId, role)`; false when there was none.
    func remove(deviceId: String, role: String) async throws -> Bool
}

extension DeviceStoring {
    /// Seen at a connect.
    public func touch(deviceId: String, role: String, atMs: Int) async throws {
        try await touch(deviceId: deviceId, role: role, atMs: atMs, reason: "connect")
    }
}
