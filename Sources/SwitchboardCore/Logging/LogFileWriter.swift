import Foundation
public import ServiceLifecycle

/// Appends the sink's lines to the log file. The file and its folder are created private
/// (0600 / 0700): logs carry client addresses.
public struct LogFileWriter: Service {
    let path: String
    let sink: LogSink

    public init(path: String, sink: LogSink) {
        self.path = path
        self.sink = sink
    }

    public func run() async throws {
        let handle = try Self.open(path)
        defer { try? handle.close() }
        await withGracefulShutdownHandler {
            while true {
                let (lines, dropped) = await sink.drain()
                if lines.isEmpty && dropped == 0 { return }
                var text = lines.joined(separator: "\n")
                if !text.isEmpty { text += "\n" }
                if dropped > 0 {
                    text += "{\"level\":\"warning\",\"msg\":\"log lines dropped: disk too slow\",\"sb.log.dropped\":\"\(dropped)\"}\n"
                }
                try? handle.write(contentsOf: Data(text.utf8))
            }
        } onGracefulShutdown: {
            sink.finish()
        }
    }

    static func open(_ path: String) throws -> FileHandle {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        try handle.seekToEnd()
        return handle
    }
}
