/// Builds `schema/protocol.schema.json` from the method and event catalogs.
///
/// The output is deterministic (sorted keys), so a test can compare it with the committed
/// file and fail when the types drift (our `protocol:check`).
public enum ProtocolSchema {
    public static let id = "https://switchboard.dev/protocol.schema.json"

    /// Every named definition: frames, handshake types, and one params/result pair per method.
    public static var definitions: [String: JSONSchema] {
        var definitions: [String: JSONSchema] = [
            "RequestFrame": .object(
                .init("type", .string(enumValues: ["req"]), required: true),
                .init("id", .string(minLength: 1), required: true),
                .init("method", .string(minLength: 1), required: true),
                .init("params", .any()),
                .init("traceparent", .string(maxLength: 128)),
                .init("expectedProfileId", .string(minLength: 1, maxLength: 128))
            ),
            "ResponseFrame": .openObject(
                .init("type", .string(enumValues: ["res"]), required: true),
                .init("id", .string(), required: true),
                .init("ok", .boolean(), required: true),
                .init("payload", .any()),
                .init("error", .reference("ErrorShape"))
            ),
            "EventFrame": .openObject(
                .init("type", .string(enumValues: ["event"]), required: true),
                .init("event", .string(minLength: 1), required: true),
                .init("payload", .any()),
                .init("seq", .integer(minimum: 0)),
                .init("stateVersion", StateVersion.jsonSchema)
            ),
            "CancelFrame": .object(
                .init("type", .string(enumValues: ["cancel"]), required: true),
                .init("id", .string(minLength: 1), required: true)
            ),
            "ErrorShape": GatewayError.jsonSchema,
            "ConnectParams": ConnectParams.jsonSchema,
            "HelloOk": HelloOK.jsonSchema,
            "Snapshot": Snapshot.jsonSchema,
            "PresenceEntry": PresenceEntry.jsonSchema,
            "StateVersion": StateVersion.jsonSchema,
            "Policy": ServerPolicy.jsonSchema,
        ]
        for method in MethodCatalog.descriptors {
            let base = typeName(method.name)
            definitions["\(base)Params"] = method.paramsSchema
            definitions["\(base)Result"] = method.resultSchema
        }
        for event in EventCatalog.descriptors {
            definitions["\(typeName(event.name))Event"] = event.payloadSchema
        }
        return definitions
    }

    /// The whole document as JSON.
    public static var document: JSONValue {
        var definitionValues: [String: JSONValue] = [:]
        for (name, schema) in definitions { definitionValues[name] = schema.jsonValue }
        var methods: [String: JSONValue] = [:]
        for method in MethodCatalog.descriptors {
            let base = typeName(method.name)
            methods[method.name] = [
                "scope": .string(method.access.label),
                "summary": .string(method.summary),
                "params": ["$ref": .string("#/definitions/\(base)Params")],
                "result": ["$ref": .string("#/definitions/\(base)Result")],
            ]
        }
        var events: [String: JSONValue] = [:]
        for event in EventCatalog.descriptors {
            events[event.name] = [
                "dropIfSlow": .bool(event.dropIfSlow),
                "scope": event.requiredScope.map { .string($0.rawValue) } ?? .null,
                "summary": .string(event.summary),
                "payload": ["$ref": .string("#/definitions/\(typeName(event.name))Event")],
            ]
        }
        return [
            "$schema": "http://json-schema.org/draft-07/schema#",
            "$id": .string(id),
            "title": "Switchboard gateway protocol (OpenClaw-compatible, v3 and v4)",
            "x-protocol": ["current": .int(ProtocolVersion.current), "minimum": .int(ProtocolVersion.minimumSupported)],
            "oneOf": [
                ["$ref": "#/definitions/RequestFrame"], ["$ref": "#/definitions/ResponseFrame"],
                ["$ref": "#/definitions/EventFrame"], ["$ref": "#/definitions/CancelFrame"],
            ],
            "definitions": .object(definitionValues),
            "x-methods": .object(methods),
            "x-events": .object(events),
        ]
    }

    /// The exact file content written by `switchboard schema export`.
    public static func render() -> String {
        GatewayJSON.string(document, pretty: true) + "\n"
    }

    /// `logs.tail` → `LogsTail`, `system-presence` → `SystemPresence`.
    public static func typeName(_ wireName: String) -> String {
        wireName.split(whereSeparator: { $0 == "." || $0 == "-" || $0 == "_" })
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined()
    }
}
