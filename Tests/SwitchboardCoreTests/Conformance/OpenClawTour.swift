import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

extension OpenClawConformanceTests {
    /// Calls every method once or more on `socket` (successfully where it can) and causes every
    /// event, so each kind of frame lands on the tape. Session keys are per version so the two
    /// tours do not share a transcript.
    static func tour(_ socket: RecordedSocket, model: FakeModelServer, gateway: TestGateway) async throws {
        let version = socket.version
        let hello = try await socket.connect(.test(min: version, max: version))
        #expect(hello["ok"] == true && hello["payload"]?["protocol"]?.intValue == version)
        let key = "conformance-v\(version)"

        for (method, params) in [
            ("health", JSONValue.object([:])), ("health", ["probe": true]), ("status", nil), ("system-presence", nil),
            ("system-event", ["text": "conformance tour"]), ("last-heartbeat", nil), ("models.list", nil), ("agent.identity.get", nil),
            ("channels.status", nil), ("channels.pairing.list", nil), ("channels.pairing.approve", ["channel": "telegram", "code": "NOPE1234"]),
            ("logs.tail", ["limit": 5]), ("config.schema", nil), ("device.pair.list", nil), ("no.such.method", nil),
            ("chat.history", ["sessionKey": .string(key), "limit": "ten"]),
        ] as [(String, JSONValue?)] {
            try await socket.call(method, params: params)
        }

        // Config writes: set (same file back, redactions restored), patch; config.changed follows.
        let config = try await socket.call("config.get")
        let set = try await socket.call(
            "config.set", params: ["raw": try unwrap(config["payload"]?["raw"]), "baseHash": try unwrap(config["payload"]?["hash"])])
        try await socket.call(
            "config.patch", params: ["raw": #"{ logging: { level: "info" } }"#, "baseHash": try unwrap(set["payload"]?["hash"])])

        // A chat turn: deltas and final.
        // Events are awaited from a mark taken before the call that causes them: one may arrive
        // before the call's response.
        model.enqueue(.text(["Hel", "lo"], delayMs: 5))
        var mark = socket.received
        let sent = try await socket.call("chat.send", params: ["sessionKey": .string(key), "message": "hi", "idempotencyKey": .string("\(key)-1")])
        _ = try await socket.until(after: mark) { $0["event"] == "chat" && $0["payload"]?["runId"] == sent["payload"]?["runId"] && $0["payload"]?["state"] == "final" }
        try await socket.call("chat.history", params: ["sessionKey": .string(key)])
        try await socket.call("chat.inject", params: ["sessionKey": .string(key), "message": "a note", "label": "tour"])

        // An agent run with a tool call: agent events, the accepted and the final response, agent.wait.
        model.enqueue(.toolCalls([FakeToolCall(id: "call-1", name: "current_time", arguments: "{}")]), .text(["done"]))
        let agent = try await socket.call("agent", params: ["message": "what time is it", "sessionKey": .string(key), "idempotencyKey": .string("\(key)-agent")])
        let runId = try unwrap(agent["payload"]?["runId"])
        _ = try await socket.until { $0["type"] == "res" && $0["id"] == agent["id"] }
        try await socket.call("agent.wait", params: ["runId": runId, "timeoutMs": 10_000])

        // An aborted run and a failed one.
        model.enqueue(.text(Array(repeating: "word ", count: 200), delayMs: 50))
        mark = socket.received
        let long = try await socket.call("chat.send", params: ["sessionKey": .string(key), "message": "go on", "idempotencyKey": .string("\(key)-2")])
        _ = try await socket.until(after: mark) { $0["event"] == "chat" && $0["payload"]?["state"] == "delta" }
        mark = socket.received
        try await socket.call("chat.abort", params: ["sessionKey": .string(key), "runId": try unwrap(long["payload"]?["runId"])])
        _ = try await socket.until(after: mark) { $0["event"] == "chat" && $0["payload"]?["state"] == "aborted" }
        model.enqueue(.status(400, body: #"{"error":{"message":"bad request from the fake model"}}"#))
        mark = socket.received
        try await socket.call("chat.send", params: ["sessionKey": .string(key), "message": "fail", "idempotencyKey": .string("\(key)-3")])
        _ = try await socket.until(after: mark) { $0["event"] == "chat" && $0["payload"]?["state"] == "error" }
        try await socket.call("send", params: ["to": "nobody", "message": "hello", "idempotencyKey": .string("\(key)-send")])
        // Nothing is signed in here: it answers cleared false, and writes nothing.
        let logout = try await socket.call("channels.logout", params: ["channel": "telegram"])
        #expect(logout["payload"]?["cleared"] == false)

        // Sessions.
        for (method, params) in [
            ("sessions.list", JSONValue.object([:])), ("sessions.preview", ["keys": [.string(key)]]), ("sessions.resolve", ["key": .string(key)]),
            ("sessions.patch", ["key": .string(key), "label": .string("tour \(version)")]), ("sessions.compact", ["key": .string(key)]),
            ("sessions.reset", ["key": .string(key)]), ("sessions.delete", ["key": .string(key)]),
        ] as [(String, JSONValue)] {
            try await socket.call(method, params: params)
        }

        // Scheduled jobs: add, update, run now (an agent turn: `cron` started and finished), the
        // run log, list and remove. Job views are checked against OpenClaw's CronJob.
        try await socket.call("cron.status", params: [:])
        let added = try await socket.call(
            "cron.add",
            params: [
                "name": .string("tour \(version)"), "schedule": ["kind": "every", "everyMs": 3_600_000], "sessionTarget": "isolated", "wakeMode": "now",
                "payload": ["kind": "agentTurn", "message": "scheduled hello"],
            ])
        let jobId = try unwrap(added["payload"]?["id"])
        try await socket.call("cron.update", params: ["id": jobId, "patch": ["description": "from the tour"]])
        model.enqueue(.text(["scheduled ", "reply"]))
        mark = socket.received
        let ran = try await socket.call("cron.run", params: ["id": jobId])
        #expect(ran["payload"]?["ran"] == true)
        _ = try await socket.until(after: mark) { $0["event"] == "cron" && $0["payload"]?["jobId"] == jobId && $0["payload"]?["action"] == "finished" }
        try await socket.call("cron.runs", params: ["id": jobId])
        try await socket.call("cron.list", params: ["includeDisabled": true])
        try await socket.call("cron.remove", params: ["id": jobId])
        try await socket.call("hooks.list", params: [:])
        try await socket.call("hooks.runs", params: ["limit": 5])

        // Heartbeat: a system event and a heartbeat now (the model acknowledges), the
        // `heartbeat` event, the last one, pause and resume.
        model.enqueue(.text(["HEARTBEAT_OK"]))
        mark = socket.received
        try await socket.call("wake", params: ["mode": "now", "text": .string("tour \(version) reminder")])
        let beat = try await socket.until(after: mark) { $0["event"] == "heartbeat" }
        #expect(beat?["payload"]?["status"] == "ok-token")
        try await socket.call("last-heartbeat")
        try await socket.call("set-heartbeats", params: ["enabled": false])
        try await socket.call("set-heartbeats", params: ["enabled": true])

        // Two devices pair (silently, on loopback): device.pair.resolved and presence. The first
        // has its token rotated, then revoked (its only role, so its pairing goes); the second is removed.
        let first = DeviceIdentity()
        let second = DeviceIdentity()
        for device in [first, second] {
            try await gateway.withClient(gateway.clientConfiguration(identity: device)) { _ in }
            _ = try await socket.until { $0["event"] == "device.pair.resolved" && $0["payload"]?["deviceId"]?.stringValue == device.id }
        }
        try await socket.call("device.pair.list")
        try await socket.call("device.token.rotate", params: ["deviceId": .string(first.id), "role": "operator", "scopes": ["operator.read"]])
        try await socket.call("device.token.revoke", params: ["deviceId": .string(first.id), "role": "operator"])
        try await socket.call("device.pair.remove", params: ["deviceId": .string(second.id)])

        // A page asking for admin waits for approval: device.pair.requested, approve one, reject another.
        for decision in ["approve", "reject"] {
            let page = DeviceIdentity()
            mark = socket.received
            let refused = try await DevicePairingApprovalTests.pageConnect(gateway, identity: page, scopes: [.admin])
            let requestId = try unwrap(refused["error"]?["details"]?["requestId"])
            _ = try await socket.until(after: mark) { $0["event"] == "device.pair.requested" && $0["payload"]?["requestId"] == requestId }
            try await socket.call("device.pair.\(decision)", params: ["requestId": requestId])
        }

        // The older node pairing path: a request (announced), the list, an approval (the token
        // once) and its verification; a second request rejected.
        for decision in ["approve", "reject"] {
            mark = socket.received
            let nodeId = JSONValue.string("tour-node-\(version)-\(decision)")
            let filed = try await socket.call("node.pair.request", params: ["nodeId": nodeId, "displayName": "tour", "commands": ["echo"]])
            let requestId = try unwrap(filed["payload"]?["request"]?["requestId"])
            _ = try await socket.until(after: mark) { $0["event"] == "node.pair.requested" && $0["payload"]?["requestId"] == requestId }
            try await socket.call("node.pair.list")
            let decided = try await socket.call("node.pair.\(decision)", params: ["requestId": requestId])
            _ = try await socket.until(after: mark) { $0["event"] == "node.pair.resolved" && $0["payload"]?["requestId"] == requestId }
            if let token = decided["payload"]?["node"]?["token"] {
                try await socket.call("node.pair.verify", params: ["nodeId": nodeId, "token": token])
            }
        }

        // A node (on its own socket, recorded on the same tape): it connects with its commands,
        // reports an event and answers an invocation; operators list, describe and rename it.
        let node = DeviceIdentity()
        let nodeReady = Gate()
        let tape = socket.tape
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { nodeReady.open() }
                _ = try await RawSocket.session(url: gateway.url) { raw in
                    let record: @Sendable (JSONValue) -> Void = { frame in
                        let id = frame["id"]?.stringValue ?? ""
                        let name = id.hasPrefix("result-") ? "node.invoke.result" : id.hasPrefix("node-event") ? "node.event" : id
                        if frame["type"] == "res" { tape.record(protocol: version, kind: "res", name: name, frame: frame) }
                        if frame["type"] == "event" { tape.record(protocol: version, kind: "event", name: frame["event"]?.stringValue, frame: frame) }
                    }
                    let challenge = try unwrap(try await raw.receive(), "challenge")
                    let params = try ScriptedNode.connectParams(identity: node, nonce: try unwrap(challenge["payload"]?["nonce"]?.stringValue), version: version)
                    try await raw.send(json: RequestFrame(id: "node-connect", method: "connect", params: params))
                    _ = try await raw.response(id: "node-connect")
                    let battery: JSONValue = ["event": "battery", "payload": ["level": 80]]
                    try await raw.send(json: RequestFrame(id: "node-event-1", method: "node.event", params: battery))
                    if let answer = try await raw.response(id: "node-event-1") { record(answer) }
                    nodeReady.open()
                    try await ScriptedNode.serve(raw, nodeId: node.id, record: record)
                }
            }
            await nodeReady.wait()
            try await socket.call("node.list")
            try await socket.call("node.describe", params: ["nodeId": .string(node.id)])
            try await socket.call("node.invoke", params: ["nodeId": .string(node.id), "command": "echo", "params": ["x": 1], "idempotencyKey": .string("node-\(version)")])
            try await socket.call("node.rename", params: ["nodeId": .string(node.id), "displayName": .string("tour node \(version)")])
            _ = try await socket.until(after: 0) { $0["event"] == "node.event" }
            try await socket.call("node.invoke", params: ["nodeId": .string(node.id), "command": "bye", "idempotencyKey": .string("node-bye-\(version)")])
            try await group.waitForAll()
        }

        // A health event and a tick (the gateway ticks every 200 ms in this test).
        _ = try await socket.until { $0["event"] == "tick" }
        mark = socket.received
        try await socket.call("health", params: ["probe": true])
        _ = try await socket.until(after: mark) { $0["event"] == "health" }
    }
}
