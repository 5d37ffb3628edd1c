import Foundation

/// Latency samples in nanoseconds and the percentiles the report quotes.
struct Samples: Sendable {
    private(set) var values: [UInt64] = []

    init(_ values: [UInt64] = []) { self.values = values }

    mutating func add(_ nanoseconds: UInt64) { values.append(nanoseconds) }
    mutating func add(contentsOf other: Samples) { values += other.values }

    var count: Int { values.count }

    /// Percentiles in milliseconds (nearest rank); nil when there are no samples.
    func percentilesMs(_ ranks: [Double]) -> [Double?] {
        guard !values.isEmpty else { return ranks.map { _ in nil } }
        let sorted = values.sorted()
        return ranks.map { rank in
            let index = min(sorted.count - 1, max(0, Int((Double(sorted.count) * rank).rounded(.up)) - 1))
            return Double(sorted[index]) / 1e6
        }
    }

    func percentileMs(_ rank: Double) -> Double? { percentilesMs([rank])[0] }

    var maxMs: Double? { values.max().map { Double($0) / 1e6 } }
}

/// The bench's one clock: monotonic nanoseconds, cheap enough to read per frame.
enum BenchClock {
    static func nowNs() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    static func seconds(since startNs: UInt64) -> Double { Double(nowNs() - startNs) / 1e9 }
}

/// Least-squares slope of `y` over `x`; nil with fewer than two points.
func linearSlope(_ points: [(x: Double, y: Double)]) -> Double? {
    guard points.count >= 2 else { return nil }
    let n = Double(points.count)
    let meanX = points.map(\.x).reduce(0, +) / n
    let meanY = points.map(\.y).reduce(0, +) / n
    let covariance = points.map { ($0.x - meanX) * ($0.y - meanY) }.reduce(0, +)
    let variance = points.map { ($0.x - meanX) * ($0.x - meanX) }.reduce(0, +)
    return variance == 0 ? nil : covariance / variance
}
