import Foundation
import SwitchboardProtocol
import Testing

/// Our `protocol:check`: the committed schema equals what the types generate, and what the
/// Codable types emit validates against it.
struct SchemaTests {
    static let committedSchemaPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("schema/protocol.schema.json").path

    @Test func committedSchemaMatchesTheTypes() throws {
        let committed = try String(contentsOfFile: Self.committedSchemaPath, encoding: .utf8)
        #expect(
            committed == ProtocolSchema.render(),
            "schema/protocol.schema.json is stale: run `swift run switchboard schema export --output schema/protocol.schema.json`"
        )
    }

    @Test func everyCatalogMethodAndEventIsInTheSchema() throws {
        let document = ProtocolSchema.document
        for name in MethodCatalog.names {
            #expect(document["x-methods"]?[name] != nil, "method \(name) missing from the schema")
        }
        for name in EventCatalog.names {
            #expect(document["x-events"]?[name] != nil, "event \(name) missing from the schema")
        }
        #expect(Set(MethodCatalog.names).count == MethodCatalog.names.count, "duplicate method names")
    }

    @Test func encodedValuesValidateAgainstTheirSchemas() throws {
        let validator = JSONSchemaValidator(definitions: ProtocolSchema.definitions)
        func check<T: Encodable & JSONSchemaDescribable>(_ value: T) throws {
            let json = try JSONValue(encoding: value)
            let problems = validator.violations(of: json, against: T.jsonSchema)
            #expect(problems.isEmpty, "\(T.self): \(problems)")
        }
        var presence = PresenceEntry(ts: 1)
        presence.mode = "ui"
        presence.roles = ["operator"]
        try check(presence)
        try check(HealthSummary(ts: 5, agents: [.init(agentId: "main", isDefault: true)]))
        try check(Status.Result(
            version: "1", pid: 2, startedAtMs: 3, uptimeMs: 4, bind: "127.0.0.1", port: 18789, authMode: "token",
            protocolVersions: [3, 4], connections: .init(total: 1, operators: 1, nodes: 0), stateDir: nil, configPath: nil
        ))
        try check(LogsTail.Result(file: "/x", cursor: 3, size: 3, lines: ["a"], truncated: true))
        try check(ShutdownEvent.Payload(reason: "gateway stopping", restartExpectedMs: nil))
        try check(TickEvent.Payload(ts: 9))
        try check(OKResult())
        try check(ConnectParams.sample)
        let hello = HelloOK(
            protocol: 4, server: .init(version: "1", connId: "c"), features: .init(methods: ["health"], events: ["tick"], capabilities: []),
            snapshot: Snapshot(presence: [presence], health: HealthSummary(ts: 1), stateVersion: .init(presence: 1, health: 1), uptimeMs: 0),
            auth: .init(deviceToken: nil, role: .operator, scopes: [.read], issuedAtMs: nil),
            policy: .init(maxPayload: 1, maxBufferedBytes: 1, tickIntervalMs: 1)
        )
        try check(hello)
    }

    @Test func validatorReportsThePathOfEachViolation() {
        let schema = SystemEvent.Params.jsonSchema
        let problems = JSONSchemaValidator().violations(of: ["text": 5, "bogus": true], against: schema)
        #expect(problems.contains("$.text: expected string, got integer"))
        #expect(problems.contains("$.bogus: unexpected field"))
    }

    @Test func framesCarryTheirTypeDiscriminator() throws {
        let response = GatewayJSON.string(ResponseFrame.success(id: "1", OKResult()))
        #expect(response == #"{"id":"1","ok":true,"payload":{"ok":true},"type":"res"}"#)
        let event = GatewayJSON.string(EventFrame(event: "tick", payload: TickEvent.Payload(ts: 1), seq: 2))
        #expect(event == #"{"event":"tick","payload":{"ts":1},"seq":2,"type":"event"}"#)
        #expect(!GatewayJSON.string(ShutdownEvent.Payload(reason: "r", restartExpectedMs: nil)).contains("restartExpectedMs"))
    }

    @Test func decodingErrorsNameTheField() throws {
        struct Probe: Decodable { var limit: Int }
        do {
            _ = try GatewayJSON.decoder.decode(Probe.self, from: Data(#"{"limit":"x"}"#.utf8))
            Issue.record("decoding should fail")
        } catch let error as DecodingError {
            #expect(error.fieldDescription(root: "params") == "params.limit: expected integer")
        }
    }
}

extension ConnectParams {
    static var sample: ConnectParams {
        ConnectParams(client: ClientInfo(id: "cli", version: "1", platform: "linux", mode: "cli"), scopes: [.read])
    }
}
