import Foundation
import SwitchboardClient
import SwitchboardCore
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// `GET /metrics`: behind the gateway auth, valid Prometheus text, and its figures move.
@Suite("Metrics", .timeLimit(.minutes(2)))
struct MetricsTests {
    struct Sample: Decodable {
        var name: String
        var labels: [String: String]
        var value: Double
        var type: String
    }

    /// Parses the exposition with the reference parser (prometheus_client).
    static func parse(_ text: String) async throws -> [Sample] {
        let file = TestGateway.makeTemporaryDirectory() + "/metrics.txt"
        defer { try? FileManager.default.removeItem(atPath: (file as NSString).deletingLastPathComponent) }
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let script = FileManager.default.currentDirectoryPath + "/Tests/tools/parse_prometheus.py"
        let process = try ChildProcess(executable: "/usr/bin/env", arguments: ["python3", script, file], environment: ProcessInfo.processInfo.environment)
        defer { process.terminate() }
        let code = try await process.waitForExit()
        let output = await process.remainingOutput()
        #expect(code == 0, "the Prometheus parser refused the exposition: \(output)")
        return try JSONDecoder().decode([Sample].self, from: Data(output.utf8))
    }

    static func value(_ samples: [Sample], _ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }?.value
    }

    @Test("/metrics needs the token, parses, and its counters and gauges follow the traffic")
    func metricsParseAndMove() async throws {
        try await FakeModelServer.with { model in
            let config = modelConfig(model, extra: #"gateway: { auth: { token: "metrics-token-0123456789" } },"#)
            try await TestGateway.with(config: config) { gateway in
                let refused = try await PlainHTTP.get(port: gateway.port, path: "/metrics")
                #expect(refused.status == 401 && refused.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
                let wrong = try await PlainHTTP.get(port: gateway.port, path: "/metrics", headers: ["Authorization": "Bearer nope"])
                #expect(wrong.status == 401)
                let auth = ["Authorization": "Bearer metrics-token-0123456789"]
                try await gateway.withClient(gateway.clientConfiguration(token: "metrics-token-0123456789")) { client in
                    let first = try await PlainHTTP.get(port: gateway.port, path: "/metrics", headers: auth)
                    #expect(first.status == 200 && first.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
                    let before = try await Self.parse(first.body)
                    for _ in 0..<3 { _ = try await client.call(Health.self, .init()) }
                    _ = try? await client.call(ConfigSet.self, .init(raw: "{}"))
                    _ = try await client.call(ChatSend.self, .init(sessionKey: "main", message: "hi", idempotencyKey: "m1"))
                    _ = try await client.chatEvents(runId: "m1")
                    let after = try await Self.parse(try await PlainHTTP.get(port: gateway.port, path: "/metrics", headers: auth).body)

                    let health = ["method": "health", "outcome": "ok"]
                    #expect(Self.value(after, "switchboard_requests_total", health) == (Self.value(before, "switchboard_requests_total", health) ?? 0) + 3)
                    #expect(Self.value(after, "switchboard_requests_total", ["method": "config.set", "outcome": "INVALID_REQUEST"]) == 1)
                    #expect((Self.value(after, "switchboard_request_duration_seconds_count", ["method": "health"]) ?? 0) >= 3)
                    #expect(Self.value(after, "switchboard_connections", ["role": "operator"]) == 1)
                    #expect(Self.value(after, "switchboard_runs_finished_total", ["outcome": "ok"]) == 1)
                    #expect(Self.value(after, "switchboard_provider_requests_total", ["provider": "fake", "outcome": "ok"]) == 1)
                    #expect((Self.value(after, "switchboard_provider_response_seconds_count", ["provider": "fake"]) ?? 0) == 1)
                    #expect((Self.value(after, "switchboard_events_sent_total") ?? 0) > (Self.value(before, "switchboard_events_sent_total") ?? 0))
                    #expect(Self.value(after, "switchboard_outbox_messages", ["state": "pending"]) == 0)
                    #expect((Self.value(after, "process_resident_memory_bytes") ?? 0) > 1_000_000)
                    #expect((Self.value(after, "process_open_fds") ?? 0) > 3)
                }
            }
        }
    }
}
