import Foundation
public import SwitchboardProtocol

/// `logs.tail`: reads the gateway's own JSON-lines log file by byte cursor.
struct LogMethods {
    let parts: GatewayRuntimeParts
    let logFile: String

    func register(into registry: inout MethodRegistry) {
        let logFile = logFile
        registry.register(LogsTail.self) { params, _ in
            if let limit = params.limit, !LogsTail.Params.limitRange.contains(limit) {
                throw GatewayError.invalidRequest("invalid params: params.limit: expected an integer from 1 to 5000")
            }
            if let maxBytes = params.maxBytes, !LogsTail.Params.maxBytesRange.contains(maxBytes) {
                throw GatewayError.invalidRequest("invalid params: params.maxBytes: expected an integer from 1 to 1000000")
            }
            if let cursor = params.cursor, cursor < 0 {
                throw GatewayError.invalidRequest("invalid params: params.cursor: expected an integer ≥ 0")
            }
            return try LogFileTail.read(
                path: logFile, cursor: params.cursor, limit: params.limit ?? 200, maxBytes: params.maxBytes ?? 250_000
            )
        }
    }
}

/// Reads a window of a growing log file without loading it whole.
public enum LogFileTail {
    public static func read(path: String, cursor: Int?, limit: Int, maxBytes: Int) throws -> LogsTail.Result {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return LogsTail.Result(file: path, cursor: 0, size: 0, lines: [])
        }
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        var start: Int
        var reset = false
        if let cursor {
            if cursor > size {
                // The file was rotated or truncated: start again from the top.
                start = 0
                reset = true
            } else {
                start = cursor
            }
        } else {
            start = max(0, size - maxBytes)
        }
        let end = min(size, start + maxBytes)
        try handle.seek(toOffset: UInt64(start))
        let data = try handle.read(upToCount: end - start) ?? Data()
        var text = String(decoding: data, as: UTF8.self)
        var truncated = end < size
        var consumedEnd = end
        // Only whole lines: hold back a trailing partial line for the next call.
        if let lastNewline = text.lastIndex(of: "\n") {
            let tail = text[text.index(after: lastNewline)...]
            consumedEnd -= tail.utf8.count
            text = String(text[..<lastNewline])
        } else if end < size || !data.isEmpty {
            consumedEnd = start
            text = ""
        }
        if cursor == nil, start > 0, let firstNewline = text.firstIndex(of: "\n") {
            // Starting mid-file: drop the partial first line.
            text = String(text[text.index(after: firstNewline)...])
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        if lines.count > limit {
            if cursor == nil {
                lines = Array(lines.suffix(limit))
            } else {
                // Resume from the first line not returned.
                let kept = lines.prefix(limit)
                consumedEnd = start + kept.reduce(0) { $0 + $1.utf8.count + 1 }
                lines = Array(kept)
                truncated = true
            }
        }
        return LogsTail.Result(
            file: path, cursor: consumedEnd, size: size, lines: lines, truncated: truncated ? true : nil, reset: reset ? true : nil
        )
    }
}
