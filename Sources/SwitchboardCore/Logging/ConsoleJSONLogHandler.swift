import Foundation
public import Logging

/// JSON lines on stderr, for `logging.console = json` (log shippers read it).
public struct ConsoleJSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let inner: JSONLinesLogHandler
    let sink = LogSink(capacity: 1)

    public init(label: String, level: Logger.Level) {
        logLevel = level
        inner = JSONLinesLogHandler(label: label, sink: sink, level: level)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var handler = inner
        handler.metadata = metadata
        handler.log(event: event)
        if let line = sink.takeAll().first {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}
