import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// Every kind of frame Switchboard sends an OpenClaw client, validated against OpenClaw's own
/// published JSON Schema for the negotiated version (v3, or v3 with the v4 overlay); and every
/// OpenClaw `*Params` of a method we implement is accepted.
@Suite("OpenClaw schema conformance", .timeLimit(.minutes(2)))
struct OpenClawConformanceTests {
    /// What Switchboard deliberately sends beyond OpenClaw's closed schemas, and why. A violation
    /// matches when its definition and path match (`*` stands for one array index or map key).
    static let deliberateExtras: [(definition: String, path: String, reason: String)] = [
        (
            "AgentEvent", "$.payload.sessionKey",
            "OpenClaw's own server adds sessionKey to agent events (AgentEventPayload.sessionKey in its agent-events source) though its schema omits it; clients route tool events by it"
        ),
    ]

    static func isDeliberate(_ violation: OpenClawSchema.Violation) -> Bool {
        deliberateExtras.contains { extra in
            extra.definition == violation.definition && matches(pattern: extra.path, path: violation.path)
        }
    }

    static func matches(pattern: String, path: String) -> Bool {
        let expression = "^" + NSRegularExpression.escapedPattern(for: pattern)
            .replacingOccurrences(of: "\\*", with: "[^.\\[\\]]+") + "$"
        return path.range(of: expression, options: .regularExpression) != nil
    }

    /// Methods whose tour call is expected to fail (the frame is still validated as an error).
    static let expectedErrors: [String: String] = [
        "channels.pairing.approve": "no pairing code exists in a fresh gateway",
        "send": "no channel is configured to deliver to",
    ]

    @Test("every frame sent to v3 and v4 clients validates against OpenClaw's schema for that version")
    func framesValidate() async throws {
        _ = try OpenClawSchema.directory
        let tape = FrameTape()
        try await FakeModelServer.with { model in
            let config = modelConfig(model, extra: "gateway: { tickIntervalMs: 200 },")
            try await TestGateway.with(config: config) { gateway in
                let v3Done = Gate()
                defer { v3Done.open() }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        // Opened on any exit, so a failed v3 tour cannot leave the v4 task waiting.
                        defer { v3Done.open() }
                        _ = try await RawSocket.session(url: gateway.url) { raw in
                            let socket = RecordedSocket(raw, version: 3, tape: tape)
                            try await Self.tour(socket, model: model, gateway: gateway)
                            v3Done.open()
                            // Everything the v4 tour causes reaches this socket too, up to the restart.
                            _ = try await socket.until { _ in false }
                        }
                    }
                    group.addTask {
                        await v3Done.wait()
                        _ = try await RawSocket.session(url: gateway.url) { raw in
                            let socket = RecordedSocket(raw, version: 4, tape: tape)
                            try await Self.tour(socket, model: model, gateway: gateway)
                            // Last: config.apply restarts the gateway, so both sockets see `shutdown`.
                            let config = try await socket.call("config.get")
                            let apply = try await socket.call(
                                "config.apply", params: ["raw": try unwrap(config["payload"]?["raw"]), "baseHash": try unwrap(config["payload"]?["hash"])])
                            #expect(apply["ok"] == true)
                            _ = try await socket.until { _ in false }
                        }
                    }
                    try await group.waitForAll()
                }
            }
        }
        for version in [3, 4] {
            let answered = tape.names(kind: "res", protocol: version)
            let succeeded = tape.names(kind: "res", protocol: version, okOnly: true)
            // config.apply restarts the gateway, so only the v4 tour ends with it.
            for method in MethodCatalog.names where version == 4 || method != "config.apply" {
                #expect(answered.contains(method), "v\(version): the tour never called \(method)")
                if Self.expectedErrors[method] == nil {
                    let errors = tape.all.filter { $0["kind"] == "res" && $0["name"]?.stringValue == method && $0["protocol"]?.intValue == version }
                        .compactMap { $0["frame"]?["error"]?["message"]?.stringValue }
                    #expect(succeeded.contains(method), "v\(version): \(method) never succeeded, so its result was not validated: \(errors)")
                }
            }
            let events = tape.names(kind: "event", protocol: version)
            for event in EventCatalog.events.map({ $0.name }) {
                #expect(events.contains(event), "v\(version): no \(event) event was captured")
            }
            #expect(tape.all.contains { $0["kind"] == "hello" && $0["protocol"]?.intValue == version }, "v\(version): no hello-ok was captured")
        }
        let violations = try await OpenClawSchema.violations(of: tape)
        let unexpected = violations.filter { !Self.isDeliberate($0) }
        #expect(unexpected.isEmpty, "frames OpenClaw's schema refuses:\n\(Self.summary(unexpected))")
    }

    @Test("every OpenClaw *Params instance of a method we implement is accepted")
    func paramsAccepted() async throws {
        // config.* last: their required-only samples replace the config, and config.apply restarts.
        func rank(_ method: String) -> Int { method == "config.apply" ? 2 : method.hasPrefix("config.") ? 1 : 0 }
        let methods = MethodCatalog.names.sorted { (rank($0), $0) < (rank($1), $1) }
        let samples = try await OpenClawSchema.paramSamples(for: methods)
        let defined = methods.filter { method in samples[method].map { $0 != JSONValue.null } ?? false }
        // Methods OpenClaw's schema has no *Params for (it declares none, or they are ours).
        #expect(Set(methods).subtracting(defined) == [
            "channels.pairing.approve", "channels.pairing.list", "health", "last-heartbeat", "status", "system-event", "system-presence",
            "hooks.list", "hooks.runs", "set-heartbeats",
        ])
        try await FakeModelServer.with { model in
            try await TestGateway.with(config: modelConfig(model)) { gateway in
                _ = try await RawSocket.session(url: gateway.url) { raw in
                    let socket = RecordedSocket(raw, version: 4, tape: FrameTape())
                    _ = try await socket.connect(.test())
                    for method in defined {
                        for sample in samples[method]?["samples"]?.arrayValue ?? [] {
                            let response = try await socket.call(method, params: sample)
                            let message = response["error"]?["message"]?.stringValue ?? ""
                            #expect(
                                response["ok"] == true || !Self.refusesShape(message),
                                "\(method) refused OpenClaw's \(samples[method]?["definition"]?.stringValue ?? "?") \(GatewayJSON.string(sample)): \(message)")
                        }
                    }
                    try await socket.socket.close()
                }
            }
        }
    }

    /// An error about the request's shape rather than the state it asks about.
    static func refusesShape(_ message: String) -> Bool {
        message.hasPrefix("invalid params") || message.contains("not supported") || message.contains("unknown field")
    }

    /// One line per distinct problem: violations that differ only in map keys or indexes before
    /// the last path component are counted together.
    static func summary(_ violations: [OpenClawSchema.Violation]) -> String {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for violation in violations {
            let last = violation.path.split(separator: ".").last.map(String.init) ?? violation.path
            let line = "v\(violation.protocol) \(violation.kind) \(violation.name ?? "-") [\(violation.definition)] …\(last): \(violation.message) (e.g. \(violation.path))"
            let group = "v\(violation.protocol) \(violation.definition) \(last) \(violation.message)"
            if counts[group] == nil { order.append(group + "\u{0}" + line) }
            counts[group, default: 0] += 1
        }
        return order.map { entry in
            let parts = entry.split(separator: "\u{0}", maxSplits: 1).map(String.init)
            return "\(parts[1]) ×\(counts[parts[0]] ?? 1)"
        }.joined(separator: "\n")
    }
}
