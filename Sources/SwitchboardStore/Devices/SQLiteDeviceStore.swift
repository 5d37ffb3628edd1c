public import SwitchboardPluginAPI
import GRDB

/// ``DeviceStoring`` on the gateway database.
public struct SQLiteDeviceStore: DeviceStoring {
    let database: GatewayDatabase

    public init(database: GatewayDatabase) {
        self.database = database
    }

    public func device(id: String, role: String) async throws -> PairedDevice? {
        try await database.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM paired_device WHERE device_id = ? AND role = ?"), arguments: [id, role])
                .map(Self.record(from:))
        }
    }

    public func save(_ device: PairedDevice) async throws {
        try await database.write { db in
            try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO paired_device
                      (device_id, role, public_key, scopes, token, display_name, platform, client_id, approved_at_ms, last_seen_at_ms,
                       paired_without_auth)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(
                arguments: [
                    device.deviceId, device.role, device.publicKey, device.scopes.joined(separator: " "), device.token,
                    device.displayName, device.platform, device.clientId, device.approvedAtMs, device.lastSeenAtMs, device.pairedWithoutAuth,
                ]
            )
        }
    }

    public func touch(deviceId: String, role: String, atMs: Int, reason: String) async throws {
        try await database.write { db in
            try db.cachedStatement(sql: "UPDATE paired_device SET last_seen_at_ms = ?, last_seen_reason = ? WHERE device_id = ? AND role = ?").execute(
                arguments: [atMs, reason, deviceId, role]
            )
        }
    }

    public func allDevices() async throws -> [PairedDevice] {
        try await database.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM paired_device ORDER BY approved_at_ms")).map(Self.record(from:))
        }
    }

    public func remove(deviceId: String) async throws {
        try await database.write { db in
            try db.cachedStatement(sql: "DELETE FROM paired_device WHERE device_id = ?").execute(arguments: [deviceId])
        }
    }

    public func remove(deviceId: String, role: String) async throws -> Bool {
        try await database.write { db in
            try db.cachedStatement(sql: "DELETE FROM paired_device WHERE device_id = ? AND role = ?").execute(arguments: [deviceId, role])
            return db.changesCount > 0
        }
    }

    static func record(from row: Row) -> PairedDevice {
        let scopes: String = row["scopes"]
        var record = PairedDevice(
            deviceId: row["device_id"],
            role: row["role"],
            publicKey: row["public_key"],
            scopes: scopes.split(separator: " ").map(String.init),
            token: row["token"],
            displayName: row["display_name"],
            platform: row["platform"],
            clientId: row["client_id"],
            approvedAtMs: row["approved_at_ms"],
            lastSeenAtMs: row["last_seen_at_ms"],
            pairedWithoutAuth: row["paired_without_auth"]
        )
        record.lastSeenReason = row["last_seen_reason"]
        return record
    }
}
