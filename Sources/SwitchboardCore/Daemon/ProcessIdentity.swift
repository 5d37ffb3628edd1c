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

/// A process named by pid *and* start time, so a pid the kernel has reused for another
/// program is not mistaken for the gateway that once had it.
public struct ProcessIdentity: Sendable, Hashable, Codable {
    public var pid: Int32
    /// Clock ticks since boot at which the process started (`/proc/<pid>/stat`, field 22);
    /// nil where `/proc` is unavailable.
    public var startTime: UInt64?

    public init(pid: Int32, startTime: UInt64?) {
        self.pid = pid
        self.startTime = startTime
    }

    public static var current: ProcessIdentity {
        let pid = getpid()
        return ProcessIdentity(pid: pid, startTime: startTime(of: pid))
    }

    /// Whether this very process still runs (same pid and same start time).
    public var isAlive: Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) != 0 && errno != EPERM { return false }
        // An exited child nobody has reaped yet still answers kill(0).
        if Self.state(of: pid) == "Z" { return false }
        guard let startTime, let now = Self.startTime(of: pid) else { return true }
        return startTime == now
    }

    public static func startTime(of pid: Int32) -> UInt64? {
        // fields[0] is field 3 (state), so field 22 is at index 19.
        statFields(of: pid).flatMap { $0.count > 19 ? UInt64($0[19]) : nil }
    }

    /// The one-letter state (`R`, `S`, `Z`…), field 3 of `/proc/<pid>/stat`.
    static func state(of pid: Int32) -> String? {
        statFields(of: pid)?.first.map(String.init)
    }

    /// Fields 3… of `/proc/<pid>/stat`.
    private static func statFields(of pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        // The command name (field 2) may contain spaces and parentheses: fields resume after the last ')'.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    /// The short command name (`/proc/<pid>/comm`), for messages.
    public static func commandName(of pid: Int32) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
