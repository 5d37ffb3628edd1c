import Foundation

/// Wall-clock milliseconds, injectable so caches and auth windows can be tested without waiting.
public struct GatewayClock: Sendable {
    public var nowMs: @Sendable () -> Int

    public init(nowMs: @escaping @Sendable () -> Int) {
        self.nowMs = nowMs
    }

    public static let system = GatewayClock { Int((Date().timeIntervalSince1970 * 1000).rounded()) }
}
