/// OpenClaw's older node pairing path (`node.pair.*`, §5.4): an app asks on a node's behalf,
/// an operator approves, and the node proves itself later with the token approval issued
/// (`node.pair.verify`). Nodes that connect with a device identity pair as devices instead.

/// A node waiting for approval; also the `node.pair.requested` payload.
public struct NodePairRequestRecord: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var requestId: String
    public var nodeId: String
    public var displayName: String?
    public var platform: String?
    public var version: String?
    public var coreVersion: String?
    public var uiVersion: String?
    public var deviceFamily: String?
    public var modelIdentifier: String?
    public var caps: [String]?
    public var commands: [String]?
    public var remoteIp: String?
    public var silent: Bool?
    /// The node is paired already (approving issues a new token).
    public var isRepair: Bool?
    public var ts: Int
    /// When the request lapses (Switchboard's addition, in `node.pair.list`).
    public var expiresAtMs: Int?

    public init(requestId: String, nodeId: String, ts: Int) {
        self.requestId = requestId
        self.nodeId = nodeId
        self.ts = ts
    }

    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("requestId", .string(minLength: 1), required: true), .init("nodeId", .string(minLength: 1), required: true),
            .init("displayName", .string()), .init("platform", .string()), .init("version", .string()), .init("coreVersion", .string()),
            .init("uiVersion", .string()), .init("deviceFamily", .string()), .init("modelIdentifier", .string()),
            .init("caps", .array(items: .string())), .init("commands", .array(items: .string())), .init("remoteIp", .string()),
            .init("silent", .boolean()), .init("isRepair", .boolean()), .init("ts", .integer(minimum: 0), required: true),
            .init("expiresAtMs", .integer(minimum: 0))
        )
    }
}

/// A node paired through `node.pair.approve` (its token only in the approval's answer).
public struct PairedNodeRecord: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var nodeId: String
    /// Present once, in `node.pair.approve`'s result: the approver hands it to the node.
    public var token: String?
    public var displayName: String?
    public var platform: String?
    public var version: String?
    public var deviceFamily: String?
    public var modelIdentifier: String?
    public var caps: [String]?
    public var commands: [String]?
    public var remoteIp: String?
    public var createdAtMs: Int
    public var approvedAtMs: Int
    public var lastConnectedAtMs: Int?

    public init(nodeId: String, createdAtMs: Int, approvedAtMs: Int) {
        self.nodeId = nodeId
        self.createdAtMs = createdAtMs
        self.approvedAtMs = approvedAtMs
    }

    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("nodeId", .string(minLength: 1), required: true), .init("token", .string()), .init("displayName", .string()),
            .init("platform", .string()), .init("version", .string()), .init("deviceFamily", .string()), .init("modelIdentifier", .string()),
            .init("caps", .array(items: .string())), .init("commands", .array(items: .string())), .init("remoteIp", .string()),
            .init("createdAtMs", .integer(minimum: 0), required: true), .init("approvedAtMs", .integer(minimum: 0), required: true),
            .init("lastConnectedAtMs", .integer(minimum: 0))
        )
    }
}

/// `node.pair.request` (scope pairing): files a request for a node (the same pending request
/// again for a node that already has one); `node.pair.requested` announces a new one.
public enum NodePairRequest: GatewayMethod {
    public static let name = "node.pair.request"
    public static let access = MethodAccess.scope(.pairing)
    public static let summary = "Ask for a node to be paired: {nodeId, displayName?, platform?, version?, caps?, commands?, …}."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var nodeId: String
        public var displayName: String?
        public var platform: String?
        public var version: String?
        public var coreVersion: String?
        public var uiVersion: String?
        public var deviceFamily: String?
        public var modelIdentifier: String?
        public var caps: [String]?
        public var commands: [String]?
        public var remoteIp: String?
        public var silent: Bool?

        public init(nodeId: String, displayName: String? = nil, commands: [String]? = nil) {
            self.nodeId = nodeId
            self.displayName = displayName
            self.commands = commands
        }

        public static var jsonSchema: JSONSchema {
            let text = JSONSchema.string(minLength: 1, maxLength: 256)
            let list = JSONSchema.array(items: .string(minLength: 1, maxLength: 128), maxItems: 64)
            return .object(
                .init("nodeId", .string(minLength: 1, maxLength: 128), required: true), .init("displayName", text), .init("platform", text),
                .init("version", text), .init("coreVersion", text), .init("uiVersion", text), .init("deviceFamily", text),
                .init("modelIdentifier", text), .init("caps", list), .init("commands", list), .init("remoteIp", text), .init("silent", .boolean())
            )
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var status: String
        public var request: NodePairRequestRecord
        public var created: Bool
        public init(request: NodePairRequestRecord, created: Bool) {
            status = "pending"
            self.request = request
            self.created = created
        }
        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("status", .string(enumValues: ["pending"]), required: true), .init("request", NodePairRequestRecord.jsonSchema, required: true),
                .init("created", .boolean(), required: true))
        }
    }
}

/// `node.pair.list` (scope pairing): pending requests and nodes paired this way (no tokens).
public enum NodePairList: GatewayMethod {
    public static let name = "node.pair.list"
    public static let access = MethodAccess.scope(.pairing)
    public static let summary = "Nodes waiting for approval and nodes paired through node.pair.approve."
    public typealias Params = EmptyParams

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var pending: [NodePairRequestRecord]
        public var paired: [PairedNodeRecord]
        public init(pending: [NodePairRequestRecord], paired: [PairedNodeRecord]) {
            self.pending = pending
            self.paired = paired
        }
        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("pending", .array(items: NodePairRequestRecord.jsonSchema), required: true),
                .init("paired", .array(items: PairedNodeRecord.jsonSchema), required: true))
        }
    }
}

/// `node.pair.approve` (scope pairing, plus admin for a node declaring system commands):
/// pairs the node, issues its token, broadcasts `node.pair.resolved`.
public enum NodePairApprove: GatewayMethod {
    public static let name = "node.pair.approve"
    public static let access = MethodAccess.scope(.pairing)
    public static let summary = "Approve a pending node pairing request: {requestId}; the answer carries the node's token once."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var requestId: String
        public init(requestId: String) { self.requestId = requestId }
        public static var jsonSchema: JSONSchema { .object(.init("requestId", .string(minLength: 1, maxLength: 128), required: true)) }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var requestId: String
        public var node: PairedNodeRecord
        public init(requestId: String, node: PairedNodeRecord) {
            self.requestId = requestId
            self.node = node
        }
        public static var jsonSchema: JSONSchema {
            .openObject(.init("requestId", .string(), required: true), .init("node", PairedNodeRecord.jsonSchema, required: true))
        }
    }
}

/// `node.pair.reject` (scope pairing): drops a pending request.
public enum NodePairReject: GatewayMethod {
    public static let name = "node.pair.reject"
    public static let access = MethodAccess.scope(.pairing)
    public static let summary = "Reject a pending node pairing request: {requestId}."
    public typealias Params = NodePairApprove.Params

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var requestId: String
        public var nodeId: String
        public init(requestId: String, nodeId: String) {
            self.requestId = requestId
            self.nodeId = nodeId
        }
        public static var jsonSchema: JSONSchema { .openObject(.init("requestId", .string(), required: true), .init("nodeId", .string(), required: true)) }
    }
}

/// `node.pair.verify` (scope pairing): whether `token` is the node's current token.
public enum NodePairVerify: GatewayMethod {
    public static let name = "node.pair.verify"
    public static let access = MethodAccess.scope(.pairing)
    public static let summary = "Check a node's token: {nodeId, token} → {ok, node?}."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var nodeId: String
        public var token: String
        public init(nodeId: String, token: String) {
            self.nodeId = nodeId
            self.token = token
        }
        public static var jsonSchema: JSONSchema {
            .object(.init("nodeId", .string(minLength: 1, maxLength: 128), required: true), .init("token", .string(minLength: 1, maxLength: 512), required: true))
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ok: Bool
        public var node: PairedNodeRecord?
        public init(ok: Bool, node: PairedNodeRecord? = nil) {
            self.ok = ok
            self.node = node
        }
        public static var jsonSchema: JSONSchema { .openObject(.init("ok", .boolean(), required: true), .init("node", PairedNodeRecord.jsonSchema)) }
    }
}

/// `node.pair.requested` (scope pairing).
public enum NodePairRequestedEvent: GatewayEvent {
    public static let name = "node.pair.requested"
    public static let requiredScope: OperatorScope? = .pairing
    public static let summary = "A node asks to be paired; approve with node.pair.approve."
    public typealias Payload = NodePairRequestRecord
}

/// `node.pair.resolved` (scope pairing): `{requestId, nodeId, decision, ts}`.
public enum NodePairResolvedEvent: GatewayEvent {
    public static let name = "node.pair.resolved"
    public static let requiredScope: OperatorScope? = .pairing
    public static let summary = "A node pairing request was approved or rejected."

    public struct Payload: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var requestId: String
        public var nodeId: String
        public var decision: String
        public var ts: Int
        public init(requestId: String, nodeId: String, decision: String, ts: Int) {
            self.requestId = requestId
            self.nodeId = nodeId
            self.decision = decision
            self.ts = ts
        }
        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("requestId", .string(), required: true), .init("nodeId", .string(), required: true),
                .init("decision", .string(enumValues: ["approved", "rejected"]), required: true), .init("ts", .integer(minimum: 0), required: true))
        }
    }
}
