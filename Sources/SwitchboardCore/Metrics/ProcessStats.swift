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

/// Figures about this process read from `/proc/self` (Linux); nil elsewhere.
enum ProcessStats {
    /// Resident set size in bytes (`/proc/self/statm`, second field × page size).
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Open file descriptors (`/proc/self/fd` entries).
    static func openDescriptors() -> Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")).map(\.count)
    }

    /// The descriptor limit (`RLIMIT_NOFILE` soft limit).
    static func maxDescriptors() -> Int? {
        var limit = rlimit()
        #if os(Linux)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return nil }
        return Int(limit.rlim_cur)
    }
}
