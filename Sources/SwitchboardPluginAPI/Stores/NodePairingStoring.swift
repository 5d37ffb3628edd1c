public import SwitchboardProtocol

/// Nodes paired through OpenClaw's older `node.pair.*` path: the record (never its token) and
/// the SHA-256 of the token, so a stolen database does not hand out working tokens.
public protocol NodePairingStoring: Sendable {
    /// Inserts or replaces the node's record and token hash.
    func save(_ node: PairedNodeRecord, tokenHash: String) async throws
    func node(id: String) async throws -> (record: PairedNodeRecord, tokenHash: String)?
    func allNodes() async throws -> [PairedNodeRecord]
}
