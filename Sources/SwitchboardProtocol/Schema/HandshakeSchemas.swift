extension ConnectParams: JSONSchemaDescribable {
    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("minProtocol", .integer(minimum: 1), required: true),
            .init("maxProtocol", .integer(minimum: 1), required: true),
            .init("client", ClientInfo.jsonSchema, required: true),
            .init("caps", .array(items: .string())),
            .init("commands", .array(items: .string())),
            .init("permissions", .map(.boolean())),
            .init("pathEnv", .string()),
            .init("role", .string(enumValues: GatewayRole.supported.map(\.rawValue))),
            .init("scopes", .array(items: .string())),
            .init("device", DeviceProof.jsonSchema),
            .init("auth", ConnectAuth.jsonSchema),
            .init("locale", .string()),
            .init("userAgent", .string())
        )
    }
}

extension ClientInfo: JSONSchemaDescribable {
    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("id", .string(minLength: 1, maxLength: 128), required: true),
            .init("displayName", .string()),
            .init("version", .string(minLength: 1), required: true),
            .init("platform", .string(minLength: 1), required: true),
            .init("deviceFamily", .string()),
            .init("modelIdentifier", .string()),
            .init("mode", .string(enumValues: modes), required: true),
            .init("instanceId", .string())
        )
    }
}

extension DeviceProof: JSONSchemaDescribable {
    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("id", .string(minLength: 1), required: true),
            .init("publicKey", .string(minLength: 1), required: true),
            .init("signature", .string(minLength: 1), required: true),
            .init("signedAt", .integer(minimum: 0), required: true),
            .init("nonce", .string(minLength: 1), required: true)
        )
    }
}

extension ConnectAuth: JSONSchemaDescribable {
    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("token", .string(maxLength: 4096)),
            .init("password", .string(maxLength: 4096)),
            .init("deviceToken", .string(maxLength: 256)),
            .init("bootstrapToken", .string(maxLength: 256))
        )
    }
}

extension HelloOK: JSONSchemaDescribable {
    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("type", .string(enumValues: ["hello-ok"]), required: true),
            .init("protocol", .integer(minimum: 1), required: true),
            .init(
                "server",
                .openObject(.init("version", .string(), required: true), .init("connId", .string(), required: true), .init("host", .string())),
                required: true
            ),
            .init(
                "features",
                .openObject(
                    .init("methods", .array(items: .string()), required: true),
                    .init("events", .array(items: .string()), required: true),
                    .init("capabilities", .array(items: .string()))
                ),
                required: true
            ),
            .init("snapshot", Snapshot.jsonSchema, required: true),
            .init(
                "auth",
                .openObject(
                    .init("deviceToken", .string()),
                    .init("role", .string(), required: true),
                    .init("scopes", .array(items: .string()), required: true),
                    .init("issuedAtMs", .integer(minimum: 0))
                )
            ),
            .init("policy", ServerPolicy.jsonSchema, required: true)
        )
    }
}

extension Snapshot: JSONSchemaDescribable {
    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("presence", .array(items: PresenceEntry.jsonSchema), required: true),
            .init("health", HealthSummary.jsonSchema, required: true),
            .init("stateVersion", StateVersion.jsonSchema, required: true),
            .init("uptimeMs", .integer(minimum: 0), required: true),
            .init("configPath", .string()),
            .init("stateDir", .string()),
            .init(
                "sessionDefaults",
                .openObject(
                    .init("defaultAgentId", .string(), required: true),
                    .init("mainKey", .string(), required: true),
                    .init("mainSessionKey", .string(), required: true)
                )
            ),
            .init("authMode", .string(enumValues: ["none", "token", "password", "trusted-proxy"]))
        )
    }
}
