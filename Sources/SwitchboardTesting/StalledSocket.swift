import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A WebSocket client that stops reading after the upgrade: a tiny receive buffer, then
/// only writes. For tests of what a server does when a peer does not take what it sends.
public final class StalledSocket: @unchecked Sendable {
    private let fd: Int32

    /// Connects to 127.0.0.1:`port`, upgrades on `path` and reads the 101 (nothing after it).
    public init(port: Int, path: String) throws {
        fd = try connectLoopback(port: port) { fd in
            var small: Int32 = 4096
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        }
        try write(Array(WebSocketWire.upgradeRequest(path: path).utf8))
        // Read byte by byte up to the end of the response head, so nothing after it is consumed.
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !head.ends(with: [13, 10, 13, 10]) {
            guard recv(fd, &byte, 1, 0) == 1 else { throw POSIXError(.ECONNRESET) }
            head.append(byte)
        }
        guard String(decoding: head, as: UTF8.self).hasPrefix("HTTP/1.1 101") else { throw POSIXError(.EPROTO) }
    }

    /// Sends one masked text frame.
    public func send(text: String) throws {
        try write(WebSocketWire.frame(Array(text.utf8)))
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw POSIXError(.EPIPE) }
            offset += sent
        }
    }

    /// Drops the connection at once (RST when unread data is pending).
    public func abort() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(fd)
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
