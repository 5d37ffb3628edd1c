import Foundation
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// One closed loop of the main job: send a message, wait for its reply, repeat until `stopAt`.
protocol TurnDriver: Sendable {
    /// Latencies of every completed turn (message sent → reply seen).
    func loop(until stopAtNs: UInt64, fresh: Bool) async throws -> Samples
    func close() async
}

/// What one cell of a main-job scenario measured.
struct TurnResult {
    var rate: Double
    var latency: Samples
    var cpuMicrosPerTurn: Double?
    /// The server's context switches per turn: how often a turn's work moved between threads.
    var switchesPerTurn: Double?

    var p50: Double? { latency.percentileMs(0.5) }
    var p99: Double? { latency.percentileMs(0.99) }
}

enum TurnMeasurement {
    /// Runs `turn` (numbered from 1, with a tag unique to this loop) until `stopAtNs`, timing each.
    static func closedLoop(until stopAtNs: UInt64, _ turn: (_ number: Int, _ tag: Substring) async throws -> Void) async throws -> Samples {
        var samples = Samples()
        var number = 0
        let tag = UUID().uuidString.prefix(8)
        while BenchClock.nowNs() < stopAtNs {
            number += 1
            let started = BenchClock.nowNs()
            try await turn(number, tag)
            samples.add(BenchClock.nowNs() - started)
        }
        return samples
    }

    /// Runs every driver's loop for `seconds` (after a short warm-up) and reads the server's CPU
    /// time around the measured part.
    static func measure(server: ServerProcess, drivers: [any TurnDriver], fresh: Bool, seconds: Double) async throws -> TurnResult {
        // Warm-up: every driver completes a few turns before the clock starts.
        _ = try await run(drivers, until: BenchClock.nowNs() + 300_000_000, fresh: fresh)
        let before = server.sample()
        let started = BenchClock.nowNs()
        let latencies = try await run(drivers, until: started + UInt64(seconds * 1e9), fresh: fresh)
        let elapsed = BenchClock.seconds(since: started)
        let after = server.sample()
        let cpu = before.flatMap { before in after.map { Double($0.cpuMicros - before.cpuMicros) } }
        let switches = before.flatMap { before in after.map { Double($0.contextSwitches - before.contextSwitches) } }
        let turns = Double(latencies.count)
        return TurnResult(
            rate: turns / elapsed, latency: latencies, cpuMicrosPerTurn: turns == 0 ? nil : cpu.map { $0 / turns },
            switchesPerTurn: turns == 0 ? nil : switches.map { $0 / turns }
        )
    }

    private static func run(_ drivers: [any TurnDriver], until stopAt: UInt64, fresh: Bool) async throws -> Samples {
        try await withThrowingTaskGroup(of: Samples.self) { group in
            for driver in drivers {
                group.addTask { try await driver.loop(until: stopAt, fresh: fresh) }
            }
            var all = Samples()
            for try await samples in group { all.add(contentsOf: samples) }
            return all
        }
    }

    /// Adds a cell's rows: turns/s, p50, p99 and CPU per turn, each against `baseline` when given.
    static func report(_ context: BenchContext, scenario: String, label: String, _ result: TurnResult, baseline: (name: String, result: TurnResult)?) {
        let name = baseline?.name
        context.report.add(scenario, label, "turns/s", "/s", result.rate, baseline: baseline.map { (name!, $0.result.rate) })
        context.report.add(scenario, label, "p50", "ms", result.p50, baseline: baseline.map { (name!, $0.result.p50) })
        context.report.add(scenario, label, "p99", "ms", result.p99, baseline: baseline.map { (name!, $0.result.p99) })
        context.report.add(
            scenario, label, "gateway CPU per turn", "µs", result.cpuMicrosPerTurn, baseline: baseline.map { (name!, $0.result.cpuMicrosPerTurn) }
        )
        context.report.add(
            scenario, label, "context switches per turn", "", result.switchesPerTurn, baseline: baseline.map { (name!, $0.result.switchesPerTurn) }
        )
    }
}

/// Scans frames for `"key":"value"` without decoding them (the load client must stay cheap:
/// every gateway connection sees every run's events).
struct FrameField {
    let marker: [UInt8]
    let key: [UInt8]

    init(marker: String, key: String) {
        self.marker = Array(marker.utf8)
        self.key = Array("\"\(key)\":\"".utf8)
    }

    /// The string value of `key` when the frame contains `marker` (memchr/memcmp: at 20 connections
    /// the load client reads ~20,000 broadcast frames a second, and a generic search made it,
    /// not the gateway, the limit).
    func value(in frame: ByteBuffer) -> String? {
        frame.withUnsafeReadableBytes { bytes -> String? in
            guard let base = bytes.baseAddress, Self.find(marker, in: base, count: bytes.count) != nil,
                let start = Self.find(key, in: base, count: bytes.count)
            else { return nil }
            let valueStart = start + key.count
            guard let end = bytes[valueStart...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[valueStart..<end]), as: UTF8.self)
        }
    }

    /// Offset of `needle` in the bytes, or nil (memchr for its first byte, then memcmp).
    static func find(_ needle: [UInt8], in base: UnsafeRawPointer, count: Int) -> Int? {
        guard let first = needle.first, needle.count <= count else { return nil }
        return needle.withUnsafeBytes { needleBytes -> Int? in
            var offset = 0
            let last = count - needle.count
            while offset <= last {
                guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return nil }
                let at = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + at, needleBytes.baseAddress!, needle.count) == 0 { return at }
                offset = at + 1
            }
            return nil
        }
    }
}

extension Range where Bound == Int {
    /// Maps in order, awaiting each element.
    func asyncMap<T>(_ transform: (Int) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for value in self { result.append(try await transform(value)) }
        return result
    }

    /// Maps `width` at a time (opening 200 connections one by one is slow).
    func concurrentMap<T: Sendable>(width: Int = 32, _ transform: @escaping @Sendable (Int) async throws -> T) async throws -> [T] {
        try await withThrowingTaskGroup(of: (Int, T).self) { group in
            var results: [Int: T] = [:]
            var next = lowerBound
            while next < Swift.min(upperBound, lowerBound + width) {
                let index = next
                group.addTask { (index, try await transform(index)) }
                next += 1
            }
            while let (index, value) = try await group.next() {
                results[index] = value
                if next < upperBound {
                    let index = next
                    group.addTask { (index, try await transform(index)) }
                    next += 1
                }
            }
            return self.map { results[$0]! }
        }
    }
}
