import Foundation
#if canImport(CoreFoundation)
import CoreFoundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// The gateway host's own interface addresses: with `gateway.pairing.trustHostAddresses`, a
/// device connecting from one of them (the machine's LAN or tailnet address) is local, as the
/// architecture's "local connects … can be auto-approved" says. Read per check (interfaces come
/// and go), only for non-loopback peers and only when the setting is on.
enum HostAddresses {
    static func current() -> Set<String> {
        var head: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&head) == 0, let first = head else { return [] }
        defer { freeifaddrs(head) }
        var addresses: Set<String> = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr else { continue }
            let family = Int32(address.pointee.sa_family)
            guard family == AF_INET || family == AF_INET6 else { continue }
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            let length = socklen_t(family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
            guard getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 else { continue }
            // Drop an IPv6 zone (`fe80::1%eth0`): peer addresses come without it.
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            addresses.insert(String(text.split(separator: "%").first ?? Substring(text)))
        }
        return addresses
    }

    /// Whether `peer` (as the socket reports it; IPv4-mapped IPv6 is unwrapped) is one of them.
    static func contains(_ peer: String) -> Bool {
        let plain = peer.hasPrefix("::ffff:") ? String(peer.dropFirst(7)) : peer
        return current().contains(plain)
    }
}
