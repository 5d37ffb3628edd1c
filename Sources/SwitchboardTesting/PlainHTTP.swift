import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal HTTP/1.1 client over a plain loopback socket, so HTTP tests need no client library.
public enum PlainHTTP {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: String
    }

    public static func get(port: Int, path: String, headers: [String: String] = [:]) async throws -> Response {
        try await request("GET", port: port, path: path, headers: headers, body: nil)
    }

    /// `POST` with a body (sent with its `Content-Length`).
    public static func post(port: Int, path: String, headers: [String: String] = [:], body: String) async throws -> Response {
        try await request("POST", port: port, path: path, headers: headers, body: body)
    }

    public static func request(_ method: String, port: Int, path: String, headers: [String: String], body: String?) async throws -> Response {
        try await withCheckedThrowingContinuation { continuation in
            // Its own thread: a blocking socket must not hold a thread of the concurrency pool.
            ChildProcess.blocking {
                continuation.resume(with: Result { try blockingRequest(method, port: port, path: path, headers: headers, body: body) })
            }
        }
    }

    static func blockingRequest(_ method: String, port: Int, path: String, headers: [String: String], body: String?) throws -> Response {
        let fd = try connectLoopback(port: port)
        defer { close(fd) }
        // A `Host` in `headers` replaces the default (DNS-rebinding tests send a foreign one).
        var request = "\(method) \(path) HTTP/1.1\r\n" + (headers.keys.contains { $0.lowercased() == "host" } ? "" : "Host: 127.0.0.1:\(port)\r\n") + "Connection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if let body { request += "Content-Length: \(body.utf8.count)\r\n" }
        request += "\r\n" + (body ?? "")
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            // MSG_NOSIGNAL: a server that answers early and closes must not kill the test with SIGPIPE.
            let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { break }
            sent += count
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            data.append(contentsOf: buffer[0..<count])
        }
        let text = String(decoding: data, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw POSIXError(.EBADMSG) }
        let head = text[..<split.lowerBound].split(separator: "\r\n")
        let status = head.first.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
        var parsed: [String: String] = [:]
        for line in head.dropFirst() {
            if let colon = line.firstIndex(of: ":") {
                parsed[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return Response(status: status, headers: parsed, body: String(text[split.upperBound...]))
    }
}

/// A blocking TCP socket connected to 127.0.0.1:`port`; `configure` runs before the connect
/// (socket options such as a small receive buffer). The caller closes it.
func connectLoopback(port: Int, configure: (Int32) -> Void = { _ in }) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    configure(fd)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(fd)
        throw POSIXError(.ECONNREFUSED)
    }
    return fd
}
