import Foundation
#if canImport(Glibc)
import Glibc
#endif
// libc structs are credited to whichever clang module loaded their header first; see InstanceLock.
#if canImport(CDispatch)
import CDispatch
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether this machine has an address, tried the way the gateway will use it: a socket bound
/// to it on an ephemeral port. `switchboard config check` uses it so that a `gateway.bind` the
/// gateway would refuse at start (exit 78) is refused by the check too.
public enum BindProbe {
    /// False only when the address is an IP literal that no interface has (`EADDRNOTAVAIL`).
    public static func isAssignable(host: String) -> Bool {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, "0", &hints, &result) == 0, let info = result else { return true }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        if bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return true }
        return errno != EADDRNOTAVAIL
    }
}
