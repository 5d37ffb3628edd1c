import Foundation
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Which addresses `fetch_url` may connect to: public unicast only. Everything that reaches
/// this machine, the LAN, or another network through a translation prefix is refused.
enum FetchAddressPolicy {
    /// IPv4 ranges refused (network, prefix length).
    static let blockedV4: [(UInt32, Int)] = [
        (0x0000_0000, 8),  // 0.0.0.0/8 "this network"
        (0x0A00_0000, 8),  // 10/8 private
        (0x6440_0000, 10),  // 100.64/10 CGNAT
        (0x7F00_0000, 8),  // 127/8 loopback
        (0xA9FE_0000, 16),  // 169.254/16 link-local (cloud metadata)
        (0xAC10_0000, 12),  // 172.16/12 private
        (0xC000_0000, 24),  // 192.0.0/24 IETF protocol assignments
        (0xC000_0200, 24),  // 192.0.2/24 TEST-NET-1
        (0xC058_6300, 24),  // 192.88.99/24 6to4 relay anycast
        (0xC0A8_0000, 16),  // 192.168/16 private
        (0xC612_0000, 15),  // 198.18/15 benchmarking
        (0xC633_6400, 24),  // 198.51.100/24 TEST-NET-2
        (0xCB00_7100, 24),  // 203.0.113/24 TEST-NET-3
        (0xE000_0000, 4),  // 224/4 multicast
        (0xF000_0000, 4),  // 240/4 reserved, 255.255.255.255 broadcast
    ]

    /// IPv6 prefixes refused (first bytes, prefix length). IPv4-mapped addresses are judged
    /// by their IPv4 part; every other form that embeds or translates IPv4 is refused whole.
    static let blockedV6: [([UInt8], Int)] = [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 96),  // ::/96 unspecified, loopback, IPv4-compatible
        ([0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0], 96),  // 64:ff9b::/96 NAT64
        ([0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01], 48),  // 64:ff9b:1::/48 local NAT64
        ([0x01, 0x00, 0, 0, 0, 0, 0, 0], 64),  // 100::/64 discard
        ([0x20, 0x01, 0x00, 0x00], 32),  // 2001::/32 Teredo
        ([0x20, 0x01, 0x0D, 0xB8], 32),  // 2001:db8::/32 documentation
        ([0x20, 0x02], 16),  // 2002::/16 6to4
        ([0xFC], 7),  // fc00::/7 unique local
        ([0xFE, 0x80], 10),  // fe80::/10 link-local
        ([0xFE, 0xC0], 10),  // fec0::/10 site-local (deprecated)
        ([0xFF], 8),  // ff00::/8 multicast
    ]

    /// True when `address` (an IP literal) must not be fetched; unparsable text is refused.
    static func isBlocked(_ address: String) -> Bool {
        var text = address.lowercased()
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        if text.hasPrefix("[") && text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return isBlockedV4(UInt32(bigEndian: v4.s_addr)) }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return true }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        // ::ffff:a.b.c.d is an IPv4 socket in disguise: judge the IPv4 address.
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return isBlockedV4(UInt32(bytes[12]) << 24 | UInt32(bytes[13]) << 16 | UInt32(bytes[14]) << 8 | UInt32(bytes[15]))
        }
        return blockedV6.contains { prefix, length in matches(bytes, prefix: prefix, length: length) }
    }

    static func isBlockedV4(_ address: UInt32) -> Bool {
        blockedV4.contains { network, length in
            let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << (32 - length)
            return address & mask == network & mask
        }
    }

    static func matches(_ bytes: [UInt8], prefix: [UInt8], length: Int) -> Bool {
        var remaining = length
        for (index, byte) in prefix.enumerated() where remaining > 0 {
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if bytes[index] & mask != byte & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// Every address `host` resolves to (getaddrinfo, all families), on NIO's thread pool.
    static func resolveAll(host: String, port: Int) async throws -> [String] {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            hints.ai_family = AF_UNSPEC
            var result: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(name, String(port), &hints, &result) == 0, let first = result else { return [] }
            defer { freeaddrinfo(first) }
            var addresses: [String] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let entry = cursor {
                var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                if let address = entry.pointee.ai_addr,
                    getnameinfo(address, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0
                {
                    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    if !addresses.contains(text) { addresses.append(text) }
                }
                cursor = entry.pointee.ai_next
            }
            return addresses
        }
    }
}
