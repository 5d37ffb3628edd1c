import Foundation
#if canImport(CoreFoundation)
import CoreFoundation
#endif
#if canImport(Glibc)
import Glibc
#endif
// libc structs (`stat`, `timespec`) are credited to whichever clang module loaded their header
// first, which depends on how files are batched; import that candidate too.
#if canImport(CDispatch)
import CDispatch
#elseif canImport(Darwin)
import Darwin
#endif

/// The sd_notify protocol: datagrams such as `READY=1` sent to the Unix socket named by
/// `NOTIFY_SOCKET`, so a `Type=notify` unit knows when the gateway is really serving,
/// reloading or stopping. Also used by `switchboard gateway start` to wait for readiness.
public struct SystemdNotifier: Sendable {
    public let socketPath: String

    /// nil when the gateway was not started by a notify-aware supervisor.
    public init?(environment: [String: String]) {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return nil }
        socketPath = path
    }

    public init(socketPath: String) {
        self.socketPath = socketPath
    }

    public func ready(status: String) {
        send("READY=1\nMAINPID=\(getpid())\nSTATUS=\(status)")
    }

    /// systemd (≥ 253) wants the monotonic time with `RELOADING=1`; `READY=1` follows once
    /// the new generation listens.
    public func reloading(status: String) {
        send("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())\nSTATUS=\(status)")
    }

    public func stopping(status: String) {
        send("STOPPING=1\nSTATUS=\(status)")
    }

    /// Best effort: a missing or full socket never affects the gateway.
    public func send(_ message: String) {
        #if os(Linux)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let flags = Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL)
        #else
        let fd = socket(AF_UNIX, SOCK_DGRAM, 0)
        let flags = Int32(MSG_DONTWAIT)
        #endif
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        let bytes = Array(message.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { buffer in
                    sendto(fd, buffer.baseAddress, buffer.count, flags, socketAddress, length)
                }
            }
        }
    }

    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}
