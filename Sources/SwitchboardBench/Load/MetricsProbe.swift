import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads one counter from the gateway's `/metrics` (blocking; called between rounds).
enum MetricsProbe {
    static func value(port: Int, token: String, name: String) -> Double? {
        guard let fd = ReadyProbe.connected(port: port) else { return nil }
        defer { close(fd) }
        let request = Array("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { return nil }
        var body = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { break }
            body += chunk[0..<count]
        }
        let text = String(decoding: body, as: UTF8.self)
        var total: Double?
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") || line.hasPrefix(name + "{") {
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { total = (total ?? 0) + value }
        }
        return total ?? (text.contains("HTTP/1.1 200") ? 0 : nil)
    }
}
