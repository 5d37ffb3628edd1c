public import Logging

/// The process's logging, shared by every gateway generation: one sink for the JSON-lines
/// file, one live level, and the console format chosen at start.
public final class GatewayLogging: Sendable {
    public let sink: LogSink
    public let level: LogLevelSetting

    public init(level: Logger.Level, sink: LogSink = LogSink()) {
        self.sink = sink
        self.level = LogLevelSetting(level)
    }

    /// A logger writing JSON lines to the sink, and to stderr as `console` says
    /// (`human`, `json` or `off`).
    public func makeLogger(label: String = "switchboard", console: String) -> Logger {
        let sink = sink
        let setting = level
        return Logger(label: label) { label in
            var handlers: [any LogHandler] = [JSONLinesLogHandler(label: label, sink: sink, level: .trace)]
            if console == "human" {
                var stream = StreamLogHandler.standardError(label: label)
                stream.logLevel = .trace
                handlers.append(stream)
            } else if console == "json" {
                handlers.append(ConsoleJSONLogHandler(label: label, level: .trace))
            }
            return LiveLevelLogHandler(inner: MultiplexLogHandler(handlers), setting: setting)
        }
    }
}
