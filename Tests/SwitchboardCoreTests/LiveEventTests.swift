import Foundation
import SwitchboardClient
import SwitchboardProtocol
import SwitchboardTesting
import Testing

@testable import SwitchboardCore

/// tick, presence, health and shutdown events; per-connection seq; slow consumers.
@Suite(.timeLimit(.minutes(1)))
struct LiveEventTests {
    @Test func ticksArriveAtTheConfiguredIntervalWithConsecutiveSeq() async throws {
        // A raw socket, so no client-side missed-tick watchdog can end the test on a loaded box.
        try await TestGateway.with(overrides: ["gateway.tickIntervalMs": "1000"]) { gateway in
            let ticks = ResponseBox()
            _ = try await RawSocket.session(url: gateway.url) { socket in
                let (_, hello) = try await socket.handshake(.test())
                #expect(hello["payload"]?["policy"]?["tickIntervalMs"] == 1000)
                let first = try await withTimeout(.seconds(20), "the first tick") { try await socket.receive { $0["event"] == "tick" } }
                let second = try await withTimeout(.seconds(20), "the second tick") { try await socket.receive { $0["event"] == "tick" } }
                ticks.set(.array([first ?? .null, second ?? .null]))
                try await socket.close()
            }
            let pair = try unwrap(ticks.value?.arrayValue)
            let firstSeq = try unwrap(pair[0]["seq"]?.intValue), secondSeq = try unwrap(pair[1]["seq"]?.intValue)
            #expect(secondSeq > firstSeq)
            #expect((pair[1]["payload"]?["ts"]?.intValue ?? 0) >= (pair[0]["payload"]?["ts"]?.intValue ?? 0))
        }
    }

    @Test func presenceIsBroadcastOnConnectAndDisconnectWithStateVersion() async throws {
        try await TestGateway.with { gateway in
            var watcherConfig = gateway.clientConfiguration()
            watcherConfig.client = ClientInfo(id: "test", version: "1", platform: "linux", mode: "ui", instanceId: "watcher")
            try await gateway.withClient(watcherConfig) { watcher in
                let initial = try unwrap(watcher.hello?.snapshot.stateVersion.presence)
                var otherConfig = gateway.clientConfiguration()
                otherConfig.client = ClientInfo(id: "test", version: "1", platform: "linux", mode: "ui", instanceId: "visitor")
                try await gateway.withClient(otherConfig) { _ in
                    let event = try await watcher.nextEvent(timeout: .seconds(10), "presence with the visitor") { event in
                        guard case .event(let frame) = event, frame.event == "presence" else { return false }
                        return frame.payload?["presence"]?.arrayValue?.contains { $0["instanceId"] == "visitor" } == true
                    }
                    guard case .event(let joined) = event else { return }
                    #expect((joined.stateVersion?.presence ?? 0) > initial)
                }
                let left = try await watcher.nextEvent(timeout: .seconds(10), "presence without the visitor") { event in
                    guard case .event(let frame) = event, frame.event == "presence" else { return false }
                    return frame.payload?["presence"]?.arrayValue?.contains { $0["instanceId"] == "visitor" } == false
                }
                guard case .event(let frame) = left else { return }
                #expect(frame.seq != nil && frame.stateVersion != nil)
            }
        }
    }

    @Test func healthRefreshBroadcastsTheHealthEvent() async throws {
        try await TestGateway.with { gateway in
            try await gateway.withClient { watcher in
                try await gateway.withClient { caller in
                    _ = try await caller.call(Health.self, .init(probe: true))
                }
                let event = try await watcher.event(named: "health")
                #expect(event.payload?["ok"] == true && event.stateVersion?.health != nil && event.seq != nil)
            }
        }
    }

    @Test func gracefulShutdownSendsShutdownThenCloses1012() async throws {
        let closure = ClosureBox()
        let urls = AsyncStream<String>.makeStream()
        let connected = AsyncStream<Void>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Returning from the body shuts the gateway down gracefully.
                try await TestGateway.with { gateway in
                    urls.continuation.yield(gateway.url)
                    for await _ in connected.stream { break }
                }
            }
            group.addTask {
                var url: String?
                for await value in urls.stream {
                    url = value
                    break
                }
                closure.close = try await RawSocket.session(url: try unwrap(url)) { socket in
                    _ = try await socket.handshake(.test())
                    connected.continuation.yield()
                    closure.shutdown = try await socket.receive { $0["event"] == "shutdown" }
                }
            }
            try await group.waitForAll()
        }
        #expect(closure.shutdown?["payload"]?["reason"] == "gateway stopping")
        #expect(closure.shutdown?["payload"]?["reason"] != nil && closure.shutdown?["payload"]?["restartExpectedMs"] == nil)
        #expect(closure.close?.code == 1012 && closure.close?.reason == "service restart")
    }

    @Test func aSlowConsumerIsDroppedWithoutSlowingOthers() async throws {
        // A small queue so the slow client overflows soon after the kernel buffers fill.
        try await TestGateway.with(overrides: ["gateway.maxBufferedBytes": "262144", "gateway.closeTimeoutMs": "20000"]) { gateway in
            let bus = try #require(gateway.application).runtime.bus
            let observed = ClosureBox()
            let resume = AsyncStream<Void>.makeStream()
            let connected = AsyncStream<Void>.makeStream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    observed.close = try await RawSocket.session(url: gateway.url) { socket in
                        _ = try await socket.handshake(.test())
                        connected.continuation.yield()
                        // Stop reading until the gateway has given up on this client.
                        for await _ in resume.stream { break }
                        try await socket.drainUntilClosed()
                    }
                }
                for await _ in connected.stream { break }
                defer { resume.continuation.yield() }
                try await gateway.withClient { fast in
                    let text = String(repeating: "x", count: 64 * 1024)
                    var presenceSent = 0
                    // Phase 1: droppable presence events until the slow client starts missing them.
                    while bus.statistics.dropped < 3 && presenceSent < 5_000 {
                        _ = try await fast.call(SystemEvent.self, .init(text: text))
                        presenceSent += 1
                    }
                    #expect(bus.statistics.dropped >= 3)
                    // Phase 2: non-droppable health events until its queue overflows.
                    var probes = 0
                    while bus.statistics.slowConsumerCloses == 0 && probes < 50_000 {
                        _ = try await fast.call(Health.self, .init(probe: true))
                        probes += 1
                    }
                    #expect(bus.statistics.slowConsumerCloses == 1)
                    // The fast client saw every presence event, in order, with no gap.
                    let expectedPresence = presenceSent
                    let gaps = try await withTimeout(.seconds(30), "the fast client's presence events") {
                        var presence = 0
                        var gaps = 0
                        for await event in fast.events {
                            switch event {
                            case .seqGap: gaps += 1
                            case .event(let frame) where frame.event == "presence" && frame.payload?["presence"]?.arrayValue?.contains(where: { $0["text"]?.stringValue?.count == 65536 }) == true:
                                presence += 1
                            default: break
                            }
                            if presence == expectedPresence { return gaps }
                        }
                        return gaps
                    }
                    #expect(gaps == 0)
                }
                resume.continuation.yield()
                try await group.waitForAll()
            }
            #expect(observed.close?.code == 1008 && observed.close?.reason == "slow consumer")
        }
    }
}

extension LiveEventTests {
    @Test func droppedEventsStillAdvanceSeqSoTheGapIsVisible() async throws {
        try await TestGateway.with(overrides: ["gateway.maxBufferedBytes": "262144"]) { gateway in
            let bus = try #require(gateway.application).runtime.bus
            let observed = ClosureBox()
            let resume = AsyncStream<Void>.makeStream()
            let connected = AsyncStream<Void>.makeStream()
            let gapSeen = AsyncStream<Void>.makeStream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    _ = try await RawSocket.session(url: gateway.url) { socket in
                        _ = try await socket.handshake(.test())
                        connected.continuation.yield()
                        for await _ in resume.stream { break }
                        var lastSeq = 0
                        while let frame = try await socket.receive() {
                            guard let seq = frame["seq"]?.intValue else { continue }
                            if lastSeq > 0 && seq > lastSeq + 1 {
                                observed.sawGap = true
                                gapSeen.continuation.yield()
                                try await socket.close()
                            }
                            lastSeq = seq
                        }
                    }
                }
                for await _ in connected.stream { break }
                defer { resume.continuation.yield() }
                try await gateway.withClient { fast in
                    let big = String(repeating: "y", count: 64 * 1024)
                    var sent = 0
                    while bus.statistics.dropped < 3 && sent < 5_000 {
                        _ = try await fast.call(SystemEvent.self, .init(text: big))
                        sent += 1
                    }
                    resume.continuation.yield()
                    // Keep events coming until the slow client, now reading, sees the gap.
                    try await withTimeout(.seconds(30), "the slow client to see a seq gap") {
                        try await withThrowingTaskGroup(of: Void.self) { inner in
                            inner.addTask { for await _ in gapSeen.stream { return } }
                            inner.addTask {
                                while !Task.isCancelled { _ = try await fast.call(SystemEvent.self, .init(text: "small")) }
                            }
                            try await inner.next()
                            inner.cancelAll()
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(observed.sawGap)
            #expect(bus.statistics.slowConsumerCloses == 0)
        }
    }
}

final class ClosureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var _shutdown: JSONValue?
    private var _close: RawSocket.Closure?
    private var _gap = false
    var shutdown: JSONValue? {
        get { lock.withLock { _shutdown } }
        set { lock.withLock { _shutdown = newValue } }
    }
    var close: RawSocket.Closure? {
        get { lock.withLock { _close } }
        set { lock.withLock { _close = newValue } }
    }
    var sawGap: Bool {
        get { lock.withLock { _gap } }
        set { lock.withLock { _gap = newValue } }
    }
}

extension LiveEventTests {
    @Test func aBurstOfConnectsCostsFewPresenceBroadcasts() async throws {
        try await TestGateway.with(overrides: ["gateway.presenceCoalesceMs": "500"]) { gateway in
            var watcherConfig = gateway.clientConfiguration()
            watcherConfig.client = ClientInfo(id: "test", version: "1", platform: "linux", mode: "ui", instanceId: "watcher")
            try await gateway.withClient(watcherConfig) { watcher in
                let count = 30
                let release = Gate()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<count {
                        group.addTask {
                            _ = try await RawSocket.session(url: gateway.url) { socket in
                                var params = ConnectParams.test(mode: "ui")
                                params.client.instanceId = "burst-\(index)"
                                _ = try await socket.handshake(params)
                                await release.wait()
                                try await socket.close()
                            }
                        }
                    }
                    // Wait for the list with everyone; count the broadcasts it took.
                    let broadcasts = try await withTimeout(.seconds(20), "presence with all \(count) clients") {
                        var seen = 0
                        for await event in watcher.events {
                            guard case .event(let frame) = event, frame.event == "presence" else { continue }
                            seen += 1
                            let ids = frame.payload?["presence"]?.arrayValue?.compactMap { $0["instanceId"]?.stringValue } ?? []
                            if ids.filter({ $0.hasPrefix("burst-") }).count == count { return seen }
                        }
                        return seen
                    }
                    #expect(broadcasts < count / 2, "presence broadcasts were not coalesced: \(broadcasts) for \(count) connects")
                    release.open()
                    try await group.waitForAll()
                }
            }
        }
    }
}
