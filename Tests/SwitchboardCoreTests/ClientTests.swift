import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

/// GatewayClient behaviour: reconnect, timeouts, pending failures, tick watchdog, seq gaps.
@Suite(.timeLimit(.minutes(1)))
struct ClientTests {
    @Test func reconnectsAfterTheGatewayRestarts() async throws {
        let stateDir = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let port = TestGateway.fixedPort()
        var configuration = GatewayClientConfiguration(url: "ws://127.0.0.1:\(port)", reconnect: true)
        configuration.backoffInitial = .milliseconds(50)
        configuration.backoffMax = .milliseconds(500)
        let client = GatewayClient(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let firstConnId = try await TestGateway.with(stateDir: stateDir, overrides: ["gateway.port": "\(port)"]) { _ in
                let hello = try await client.waitUntilConnected()
                #expect(try await client.call(Health.self, .init()).ok)
                return hello.server.connId
            }
            _ = try await client.nextEvent("the disconnect") { event in
                if case .disconnected(let code, _) = event { return code == 1012 }
                return false
            }
            try await TestGateway.with(stateDir: stateDir, overrides: ["gateway.port": "\(port)"]) { _ in
                let event = try await client.nextEvent("the reconnect") { event in
                    if case .connected = event { return true }
                    return false
                }
                guard case .connected(let hello) = event else { return }
                #expect(hello.server.connId != firstConnId)
                #expect(try await client.call(Status.self).port == port)
            }
            group.cancelAll()
        }
    }

    @Test func pendingRequestsFailWhenTheSocketDrops() async throws {
        try await ScriptedGatewayServer.with(script: { peer in
            try await peer.acceptConnect()
            _ = try await peer.receive()  // a request arrives; close without answering
        }) { url in
            let configuration = GatewayClientConfiguration(url: url, reconnect: false)
            try await withGatewayClient(configuration) { client in
                try await client.waitUntilConnected()
                do {
                    _ = try await client.call(Health.self, .init())
                    Issue.record("the call must fail")
                } catch let error as GatewayClientError {
                    #expect(error.code == .disconnected)
                }
            }
        }
    }

    @Test func requestsTimeOut() async throws {
        try await ScriptedGatewayServer.with(script: { peer in
            try await peer.acceptConnect()
            while try await peer.receive() != nil {}  // never answers
        }) { url in
            let configuration = GatewayClientConfiguration(url: url, requestTimeout: .milliseconds(200), reconnect: false)
            try await withGatewayClient(configuration) { client in
                try await client.waitUntilConnected()
                do {
                    _ = try await client.call(Health.self, .init())
                    Issue.record("the call must time out")
                } catch let error as GatewayClientError {
                    #expect(error.code == .timeout)
                }
            }
        }
    }

    @Test func missingTicksMakeTheClientReconnect() async throws {
        try await ScriptedGatewayServer.with(script: { peer in
            try await peer.acceptConnect(tickIntervalMs: 100)
            while try await peer.receive() != nil {}  // never ticks
        }) { url in
            var configuration = GatewayClientConfiguration(url: url, reconnect: true)
            configuration.backoffInitial = .milliseconds(50)
            try await withGatewayClient(configuration) { client in
                // One subscription for both waits: the reconnect may come before a second one.
                let events = client.events
                try await client.waitUntilConnected()
                let closed = try await withTimeout(.seconds(30), "the watchdog close and the reconnect") { () -> (Int?, String?) in
                    var closed: (Int?, String?)?
                    for await event in events {
                        switch event {
                        case .disconnected(let code, let reason) where closed == nil: closed = (code, reason)
                        case .connected where closed != nil: return closed!
                        default: continue
                        }
                    }
                    throw TestTimeout(what: "the event stream ended")
                }
                #expect(closed.0 == 4000 && closed.1 == "tick timeout")
            }
        }
    }

    @Test func seqGapsAreReported() async throws {
        try await ScriptedGatewayServer.with(script: { peer in
            try await peer.acceptConnect()
            for seq in [1, 2, 5] {
                try await peer.send(EventFrame(event: "tick", payload: TickEvent.Payload(ts: seq), seq: seq))
            }
            while try await peer.receive() != nil {}
        }) { url in
            try await withGatewayClient(GatewayClientConfiguration(url: url, reconnect: false)) { client in
                let event = try await client.nextEvent("the seq gap") { event in
                    if case .seqGap = event { return true }
                    return false
                }
                guard case .seqGap(let expected, let received) = event else { return }
                #expect(expected == 3 && received == 5)
            }
        }
    }

    @Test func anUnreachableGatewayFailsClearly() async throws {
        let port = TestGateway.fixedPort()  // nobody listens there
        let configuration = GatewayClientConfiguration(url: "ws://127.0.0.1:\(port)", reconnect: false)
        do {
            _ = try await withGatewayClient(configuration) { client in try await client.waitUntilConnected() }
            Issue.record("connect must fail")
        } catch let error as GatewayClientError {
            #expect(error.code == .unreachable && error.message.contains("cannot reach the gateway"))
        }
    }

    @Test func backoffDoublesUpToTheCap() {
        var backoff = Backoff(initial: .seconds(1), maximum: .seconds(30))
        let delays = (0..<8).map { _ in backoff.next() }
        #expect(delays[0] >= .seconds(1) && delays[0] <= .milliseconds(1100))
        #expect(delays[1] >= .seconds(2) && delays[3] >= .seconds(8))
        #expect(delays.allSatisfy { $0 <= .seconds(30) } && delays[7] == .seconds(30))
        backoff.reset()
        #expect(backoff.next() <= .milliseconds(1100))
    }
}

