/// A node as `node.list` and `node.describe` show it (§5.4).
public struct NodeSummary: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var nodeId: String
    public var displayName: String?
    public var platform: String?
    public var version: String?
    public var deviceFamily: String?
    public var modelIdentifier: String?
    public var remoteIp: String?
    public var caps: [String]
    public var commands: [String]
    public var permissions: [String: Bool]?
    public var connectedAtMs: Int?
    public var lastSeenAtMs: Int?
    /// `connect` for a connected node; a paired node's last `node.presence.alive` trigger.
    public var lastSeenReason: String?
    public var paired: Bool
    public var connected: Bool

    public init(nodeId: String, caps: [String], commands: [String], paired: Bool, connected: Bool) {
        self.nodeId = nodeId
        self.caps = caps
        self.commands = commands
        self.paired = paired
        self.connected = connected
    }

    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("nodeId", .string(), required: true), .init("displayName", .string()), .init("platform", .string()), .init("version", .string()),
            .init("deviceFamily", .string()), .init("modelIdentifier", .string()), .init("remoteIp", .string()),
            .init("caps", .array(items: .string()), required: true), .init("commands", .array(items: .string()), required: true),
            .init("permissions", .openObject()), .init("connectedAtMs", .integer(minimum: 0)), .init("lastSeenAtMs", .integer(minimum: 0)), .init("lastSeenReason", .string()),
            .init("paired", .boolean(), required: true), .init("connected", .boolean(), required: true))
    }
}

/// `node.list` (scope read): paired and connected nodes, connected first.
public enum NodeList: GatewayMethod {
    public static let name = "node.list"
    public static let access = MethodAccess.scope(.read)
    public static let summary = "Nodes: paired (role node) and connected, with their caps and commands."
    public typealias Params = EmptyParams

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ts: Int
        public var nodes: [NodeSummary]
        public init(ts: Int, nodes: [NodeSummary]) {
            self.ts = ts
            self.nodes = nodes
        }
        public static var jsonSchema: JSONSchema {
            .openObject(.init("ts", .integer(minimum: 0), required: true), .init("nodes", .array(items: NodeSummary.jsonSchema), required: true))
        }
    }
}

/// `node.describe` (scope read): one node.
public enum NodeDescribe: GatewayMethod {
    public static let name = "node.describe"
    public static let access = MethodAccess.scope(.read)
    public static let summary = "One node: {nodeId}."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var nodeId: String
        public init(nodeId: String) { self.nodeId = nodeId }
        public static var jsonSchema: JSONSchema { .object(.init("nodeId", .string(minLength: 1, maxLength: 128), required: true)) }
    }

    public typealias Result = NodeSummary
}

/// `node.rename` (scope pairing): a paired node's display name.
public enum NodeRename: GatewayMethod {
    public static let name = "node.rename"
    public static let access = MethodAccess.scope(.pairing)
    public static let summary = "Rename a paired node: {nodeId, displayName}."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var nodeId: String
        public var displayName: String
        public init(nodeId: String, displayName: String) {
            self.nodeId = nodeId
            self.displayName = displayName
        }
        public static var jsonSchema: JSONSchema {
            .object(.init("nodeId", .string(minLength: 1, maxLength: 128), required: true), .init("displayName", .string(minLength: 1, maxLength: 256), required: true))
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var nodeId: String
        public var displayName: String
        public init(nodeId: String, displayName: String) {
            self.nodeId = nodeId
            self.displayName = displayName
        }
        public static var jsonSchema: JSONSchema { .openObject(.init("nodeId", .string(), required: true), .init("displayName", .string(), required: true)) }
    }
}

/// `node.invoke` (scope write): runs one of a node's declared commands and waits for its answer.
public enum NodeInvoke: GatewayMethod {
    public static let name = "node.invoke"
    public static let access = MethodAccess.scope(.write)
    public static let summary = "Run a node command: {nodeId, command, params?, timeoutMs?, idempotencyKey}."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var nodeId: String
        public var command: String
        public var params: JSONValue?
        public var timeoutMs: Int?
        public var idempotencyKey: String
        public init(nodeId: String, command: String, params: JSONValue? = nil, timeoutMs: Int? = nil, idempotencyKey: String) {
            self.nodeId = nodeId
            self.command = command
            self.params = params
            self.timeoutMs = timeoutMs
            self.idempotencyKey = idempotencyKey
        }
        public static var jsonSchema: JSONSchema {
            .object(
                .init("nodeId", .string(minLength: 1, maxLength: 128), required: true), .init("command", .string(minLength: 1, maxLength: 128), required: true),
                .init("params", .any()), .init("timeoutMs", .integer(minimum: 0)), .init("idempotencyKey", .string(minLength: 1, maxLength: 256), required: true))
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ok: Bool
        public var nodeId: String
        public var command: String
        public var payload: JSONValue?
        public var payloadJSON: String?
        public init(nodeId: String, command: String, payload: JSONValue?, payloadJSON: String?) {
            ok = true
            self.nodeId = nodeId
            self.command = command
            self.payload = payload
            self.payloadJSON = payloadJSON
        }
        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("ok", .boolean(), required: true), .init("nodeId", .string(), required: true), .init("command", .string(), required: true),
                .init("payload", .any()), .init("payloadJSON", .nullable(.string())))
        }
    }
}

/// `node.invoke.result` (role node): a node answers a `node.invoke.request`.
public enum NodeInvokeResult: GatewayMethod {
    public static let name = "node.invoke.result"
    public static let access = MethodAccess.nodeOnly
    public static let summary = "A node's answer to node.invoke.request: {id, nodeId, ok, payload?, payloadJSON?, error?}."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public struct Failure: Codable, Sendable, Hashable {
            public var code: String?
            public var message: String?
            public init(code: String? = nil, message: String? = nil) {
                self.code = code
                self.message = message
            }
        }

        public var id: String
        public var nodeId: String
        public var ok: Bool
        public var payload: JSONValue?
        public var payloadJSON: String?
        public var error: Failure?
        public init(id: String, nodeId: String, ok: Bool, payload: JSONValue? = nil, payloadJSON: String? = nil, error: Failure? = nil) {
            self.id = id
            self.nodeId = nodeId
            self.ok = ok
            self.payload = payload
            self.payloadJSON = payloadJSON
            self.error = error
        }
        public static var jsonSchema: JSONSchema {
            .object(
                .init("id", .string(minLength: 1, maxLength: 128), required: true), .init("nodeId", .string(minLength: 1, maxLength: 128), required: true),
                .init("ok", .boolean(), required: true), .init("payload", .any()), .init("payloadJSON", .nullable(.string())),
                .init("error", .nullable(.object(.init("code", .string()), .init("message", .string())))))
        }
    }

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ok: Bool
        /// True for a result nobody waits for any more (it came after the timeout).
        public var ignored: Bool?
        public init(ignored: Bool?) {
            ok = true
            self.ignored = ignored
        }
        public static var jsonSchema: JSONSchema { .openObject(.init("ok", .boolean(), required: true), .init("ignored", .boolean())) }
    }
}

/// `node.event` (role node): a node reports something; operators get it as `node.event`.
public enum NodeEventMethod: GatewayMethod {
    public static let name = "node.event"
    public static let access = MethodAccess.nodeOnly
    public static let summary = "A node reports an event: {event, payload?, payloadJSON?}; relayed to operators."

    public struct Params: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var event: String
        public var payload: JSONValue?
        public var payloadJSON: String?
        public init(event: String, payload: JSONValue? = nil, payloadJSON: String? = nil) {
            self.event = event
            self.payload = payload
            self.payloadJSON = payloadJSON
        }
        public static var jsonSchema: JSONSchema {
            .object(.init("event", .string(minLength: 1, maxLength: 128), required: true), .init("payload", .any()), .init("payloadJSON", .nullable(.string())))
        }
    }

    /// `{ok: true}`; for `node.presence.alive` also `{event, handled, reason?}` (v4): `handled`
    /// says whether the wake was recorded as the node's last-seen time.
    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ok: Bool
        public var event: String?
        public var handled: Bool?
        public var reason: String?
        public init(ok: Bool = true, event: String? = nil, handled: Bool? = nil, reason: String? = nil) {
            self.ok = ok
            self.event = event
            self.handled = handled
            self.reason = reason
        }
        public static var jsonSchema: JSONSchema {
            .openObject(.init("ok", .boolean(), required: true), .init("event", .string()), .init("handled", .boolean()), .init("reason", .string()))
        }
    }

    /// The v4 background-wake beacon.
    public static let presenceAlive = "node.presence.alive"
    /// Its `trigger`s; anything else is recorded as `background`.
    public static let aliveTriggers: Set<String> = ["background", "silent_push", "bg_app_refresh", "significant_location", "manual", "connect"]
}

/// `node.invoke.request` (targeted at one node, no `seq`): run a command and answer with `node.invoke.result`.
public enum NodeInvokeRequestEvent: GatewayEvent {
    public static let name = "node.invoke.request"
    public static let summary = "Sent to one node: run a command, answer with node.invoke.result."

    public struct Payload: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var id: String
        public var nodeId: String
        public var command: String
        public var paramsJSON: String?
        public var timeoutMs: Int?
        public var idempotencyKey: String?
        public init(id: String, nodeId: String, command: String, paramsJSON: String?, timeoutMs: Int?, idempotencyKey: String?) {
            self.id = id
            self.nodeId = nodeId
            self.command = command
            self.paramsJSON = paramsJSON
            self.timeoutMs = timeoutMs
            self.idempotencyKey = idempotencyKey
        }
        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("id", .string(minLength: 1), required: true), .init("nodeId", .string(minLength: 1), required: true),
                .init("command", .string(minLength: 1), required: true), .init("paramsJSON", .string()), .init("timeoutMs", .integer(minimum: 0)),
                .init("idempotencyKey", .string(minLength: 1)))
        }
    }
}

/// `node.event` (scope read): a node's event, relayed to operators with its node id.
public enum NodeEventBroadcast: GatewayEvent {
    public static let name = "node.event"
    public static let requiredScope: OperatorScope? = .read
    public static let summary = "An event a node reported (node.event), with its nodeId."

    public struct Payload: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var nodeId: String
        public var event: String
        public var payload: JSONValue?
        public var ts: Int
        public init(nodeId: String, event: String, payload: JSONValue?, ts: Int) {
            self.nodeId = nodeId
            self.event = event
            self.payload = payload
            self.ts = ts
        }
        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("nodeId", .string(), required: true), .init("event", .string(), required: true), .init("payload", .any()),
                .init("ts", .integer(minimum: 0), required: true))
        }
    }
}
