public import Logging
import Synchronization

/// The gateway's log level, shared by every logger so `logging.level` applies without a
/// restart (it is a hot key).
public final class LogLevelSetting: Sendable {
    private let raw: Atomic<UInt8>

    public init(_ level: Logger.Level) {
        raw = Atomic(Self.code(level))
    }

    public var level: Logger.Level {
        get { Self.allLevels[Int(raw.load(ordering: .relaxed))] }
        set { raw.store(Self.code(newValue), ordering: .relaxed) }
    }

    private static let allLevels: [Logger.Level] = Logger.Level.allCases
    private static func code(_ level: Logger.Level) -> UInt8 { UInt8(allLevels.firstIndex(of: level) ?? 2) }
}

/// Wraps the real handlers and takes its level from a ``LogLevelSetting``: swift-log asks
/// the handler for its level before it builds a message, so a lowered level costs nothing.
public struct LiveLevelLogHandler: LogHandler {
    var inner: any LogHandler
    let setting: LogLevelSetting

    public init(inner: any LogHandler, setting: LogLevelSetting) {
        var inner = inner
        inner.logLevel = .trace
        self.inner = inner
        self.setting = setting
    }

    /// Setting it on one logger copy is ignored: the level is the gateway's, changed through config.
    public var logLevel: Logger.Level {
        get { setting.level }
        set {}
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        inner.log(event: event)
    }
}
