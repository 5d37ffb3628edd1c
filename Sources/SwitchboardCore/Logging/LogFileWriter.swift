import Foundation

/// Where and how big the JSON-lines log file may grow; read again for every batch, so a
/// changed `logging.*` takes effect with the next restart of the generation.
struct LogFileSettings: Sendable, Hashable {
    var path: String
    var maxBytes: Int
    var maxFiles: Int
}

/// Appends the sink's lines to the log file until the sink is finished, rotating by size:
/// `gateway.jsonl` → `gateway.jsonl.1` → … → `gateway.jsonl.<maxFiles>` (then deleted).
/// The file and its folder are private (0600 / 0700): logs carry client addresses.
struct LogFileWriter: Sendable {
    let sink: LogSink
    let settings: @Sendable () -> LogFileSettings

    func run() async {
        var file: OpenLogFile?
        defer { try? file?.handle.close() }
        while true {
            var (lines, dropped) = await sink.drain()
            if lines.isEmpty && dropped == 0 { return }
            if dropped > 0 {
                lines.append("{\"level\":\"warning\",\"msg\":\"log lines dropped: disk too slow\",\"sb.log.dropped\":\"\(dropped)\"}")
            }
            let wanted = settings()
            if let open = file, open.settings.path != wanted.path {
                try? open.handle.close()
                file = nil
            }
            // Whole lines only, and never past maxBytes: rotate between chunks.
            var chunk = Data()
            for line in lines {
                let bytes = Data((line + "\n").utf8)
                if !chunk.isEmpty, (file?.size ?? 0) + chunk.count + bytes.count > wanted.maxBytes {
                    file = write(chunk, to: file, wanted)
                    chunk.removeAll(keepingCapacity: true)
                }
                chunk.append(bytes)
            }
            if !chunk.isEmpty { file = write(chunk, to: file, wanted) }
        }
    }

    /// The open log file and how many bytes it holds.
    private struct OpenLogFile {
        var settings: LogFileSettings
        var handle: FileHandle
        var size: Int
    }

    /// Appends `data`, first rotating when it would not fit; returns the file now open.
    private func write(_ data: Data, to current: OpenLogFile?, _ settings: LogFileSettings) -> OpenLogFile? {
        var file = current
        if let open = file, open.size > 0, open.size + data.count > settings.maxBytes {
            try? open.handle.close()
            file = nil
            Self.rotate(settings)
        }
        if file == nil {
            guard let handle = try? Self.open(settings.path) else { return nil }
            file = OpenLogFile(settings: settings, handle: handle, size: Int((try? handle.seekToEnd()) ?? 0))
        }
        guard var open = file else { return nil }
        try? open.handle.write(contentsOf: data)
        open.size += data.count
        return open
    }

    /// Shifts `path.N` up by one, dropping the oldest beyond `maxFiles`.
    static func rotate(_ settings: LogFileSettings) {
        let manager = FileManager.default
        try? manager.removeItem(atPath: "\(settings.path).\(settings.maxFiles)")
        if settings.maxFiles > 1 {
            for index in stride(from: settings.maxFiles - 1, through: 1, by: -1) {
                _ = rename("\(settings.path).\(index)", "\(settings.path).\(index + 1)")
            }
        }
        _ = rename(settings.path, "\(settings.path).1")
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
