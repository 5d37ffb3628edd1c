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
        var current: (settings: LogFileSettings, handle: FileHandle, size: Int)?
        defer { try? current?.handle.close() }
        while true {
            let (lines, dropped) = await sink.drain()
            if lines.isEmpty && dropped == 0 { return }
            var text = lines.joined(separator: "\n")
            if !text.isEmpty { text += "\n" }
            if dropped > 0 {
                text += "{\"level\":\"warning\",\"msg\":\"log lines dropped: disk too slow\",\"sb.log.dropped\":\"\(dropped)\"}\n"
            }
            let data = Data(text.utf8)
            let wanted = settings()
            if let open = current, open.settings.path != wanted.path {
                try? open.handle.close()
                current = nil
            }
            if let open = current, open.size > 0, open.size + data.count > wanted.maxBytes {
                try? open.handle.close()
                current = nil
                Self.rotate(wanted)
            }
            if current == nil {
                guard let handle = try? Self.open(wanted.path) else { continue }
                let size = Int((try? handle.seekToEnd()) ?? 0)
                current = (wanted, handle, size)
            }
            guard let open = current else { continue }
            try? open.handle.write(contentsOf: data)
            current = (wanted, open.handle, open.size + data.count)
        }
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
