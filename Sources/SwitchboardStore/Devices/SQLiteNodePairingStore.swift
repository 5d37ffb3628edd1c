import Foundation
import GRDB
public import SwitchboardPluginAPI
public import SwitchboardProtocol

/// ``NodePairingStoring`` on the gateway database (`paired_node`).
public struct SQLiteNodePairingStore: NodePairingStoring {
    let database: GatewayDatabase

    public init(database: GatewayDatabase) {
        self.database = database
    }

    public func save(_ node: PairedNodeRecord, tokenHash: String) async throws {
        var record = node
        record.token = nil
        let json = String(decoding: try GatewayJSON.encoder.encode(record), as: UTF8.self)
        try await database.write { db in
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO paired_node (node_id, record, token_hash, approved_at_ms) VALUES (?, ?, ?, ?)").execute(
                arguments: [node.nodeId, json, tokenHash, node.approvedAtMs])
        }
    }

    public func node(id: String) async throws -> (record: PairedNodeRecord, tokenHash: String)? {
        let found: (String, String)? = try await database.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT record, token_hash FROM paired_node WHERE node_id = ?"), arguments: [id])
                .map { ($0["record"], $0["token_hash"]) }
        }
        guard let found, let record = Self.decode(found.0) else { return nil }
        return (record, found.1)
    }

    public func allNodes() async throws -> [PairedNodeRecord] {
        try await database.read { db in
            try String.fetchAll(db.cachedStatement(sql: "SELECT record FROM paired_node ORDER BY approved_at_ms")).compactMap(Self.decode)
        }
    }

    static func decode(_ text: String) -> PairedNodeRecord? {
        try? GatewayJSON.decoder.decode(PairedNodeRecord.self, from: Data(text.utf8))
    }
}
