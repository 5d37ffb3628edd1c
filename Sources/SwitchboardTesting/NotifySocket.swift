import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Plays systemd's part of sd_notify: a Unix datagram socket whose messages (`READY=1`,
/// `RELOADING=1`, `STOPPING=1`…) arrive as a stream, read when the kernel says they are there.
public final class NotifySocket: Sendable {
    public let path: String
    public let messages: AsyncStream<String>

    private init(path: String, messages: AsyncStream<String>) {
        self.path = path
        self.messages = messages
    }

    /// Binds a socket at `directory/notify.sock` (keep the path under 108 bytes) for `body`.
    public static func with<T: Sendable>(in directory: String, _ body: @Sendable (NotifySocket) async throws -> T) async throws -> T {
        let path = (directory as NSString).appendingPathComponent("notify.sock")
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8) + [0]
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        let (messages, continuation) = AsyncStream.makeStream(of: String.self)
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: DispatchQueue(label: "notify-socket"))
        source.setEventHandler {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { return }
                continuation.yield(String(decoding: buffer[0..<count], as: UTF8.self))
            }
        }
        source.setCancelHandler {
            close(fd)
            unlink(path)
            continuation.finish()
        }
        source.resume()
        defer { source.cancel() }
        return try await body(NotifySocket(path: path, messages: messages))
    }

    /// The next message containing `text` (others are skipped).
    public func next(containing text: String, timeout: Duration = .seconds(30)) async throws -> String {
        let messages = messages
        return try await withTimeout(timeout, "notify message \(text)") {
            for await message in messages where message.contains(text) { return message }
            throw TestTimeout(what: "notify message \(text) (socket closed)")
        }
    }
}
