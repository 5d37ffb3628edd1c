/// `status` (scope read): what is running where; paths only for admins (§5.1).
public enum Status: GatewayMethod {
    public static let name = "status"
    public static let access = MethodAccess.scope(.read)
    public static let summary = "Gateway status: version, uptime, listeners, connections."

    public struct Result: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var ok: Bool
        public var version: String
        public var pid: Int
        public var startedAtMs: Int
        public var uptimeMs: Int
        public var bind: String
        public var port: Int
        public var authMode: String
        public var protocolVersions: [Int]
        public var connections: Connections
        /// Admin only.
        public var stateDir: String?
        /// Admin only.
        public var configPath: String?
        /// The scheduler, hooks and `BOOT.md` (admin only: hook and job names can say a lot).
        public var automation: JSONValue?
        /// Whether the port speaks TLS, and the certificate fingerprint clients pin (public, like the certificate itself).
        public var tls: TLS?
        /// Agent runs: active, ended by outcome, and the last hour by minute.
        public var runs: RunActivity?

        public struct TLS: Codable, Sendable, Hashable {
            public var enabled: Bool
            /// SHA-256 of the certificate, `AB:CD:…`.
            public var fingerprintSha256: String?
            public init(enabled: Bool, fingerprintSha256: String?) {
                self.enabled = enabled
                self.fingerprintSha256 = fingerprintSha256
            }
        }

        public struct Connections: Codable, Sendable, Hashable {
            public var total: Int
            public var operators: Int
            public var nodes: Int
            public init(total: Int, operators: Int, nodes: Int) {
                self.total = total
                self.operators = operators
                self.nodes = nodes
            }
        }

        public init(
            ok: Bool = true, version: String, pid: Int, startedAtMs: Int, uptimeMs: Int, bind: String, port: Int,
            authMode: String, protocolVersions: [Int], connections: Connections, stateDir: String?, configPath: String?
        ) {
            self.ok = ok
            self.version = version
            self.pid = pid
            self.startedAtMs = startedAtMs
            self.uptimeMs = uptimeMs
            self.bind = bind
            self.port = port
            self.authMode = authMode
            self.protocolVersions = protocolVersions
            self.connections = connections
            self.stateDir = stateDir
            self.configPath = configPath
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("ok", .boolean(), required: true),
                .init("version", .string(), required: true),
                .init("pid", .integer(minimum: 0), required: true),
                .init("startedAtMs", .integer(minimum: 0), required: true),
                .init("uptimeMs", .integer(minimum: 0), required: true),
                .init("automation", .any(description: "{scheduler, hooks, boot}")),
                .init("bind", .string(), required: true),
                .init("port", .integer(minimum: 0, maximum: 65535), required: true),
                .init("authMode", .string(enumValues: ["none", "token", "password"]), required: true),
                .init("protocolVersions", .array(items: .integer()), required: true),
                .init(
                    "connections",
                    .openObject(
                        .init("total", .integer(minimum: 0), required: true),
                        .init("operators", .integer(minimum: 0), required: true),
                        .init("nodes", .integer(minimum: 0), required: true)
                    ),
                    required: true
                ),
                .init("stateDir", .string()),
                .init("configPath", .string()),
                .init("runs", RunActivity.jsonSchema)
            )
        }
    }
}
