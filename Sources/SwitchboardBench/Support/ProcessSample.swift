import Foundation

/// What `/proc` says about a server process: resident memory and CPU time used so far.
struct ProcessSample: Sendable {
    var rssBytes: Int
    /// The anonymous part of RSS (heap, stacks, dirty data): what cannot be dropped and
    /// re-read from a file, so where a leak would show.
    var anonBytes: Int = 0
    /// User + system CPU time in microseconds.
    var cpuMicros: Int

    static let ticksPerSecond = Int(sysconf(Int32(_SC_CLK_TCK)))

    /// Nil when the process is gone.
    static func read(pid: pid_t) -> ProcessSample? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        else { return nil }
        var rss = 0
        var anon = 0
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") || line.hasPrefix("RssAnon:") {
            let bytes = (Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0) * 1024
            if line.hasPrefix("VmRSS:") { rss = bytes } else { anon = bytes }
        }
        // Fields after the parenthesised command name: utime is the 14th field, stime the 15th.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return ProcessSample(rssBytes: rss, anonBytes: anon, cpuMicros: (user + system) * 1_000_000 / ticksPerSecond)
    }

    static func current() -> ProcessSample? { read(pid: getpid()) }
}

/// Raises this process's open-file limit to the hard limit (10,000 clients need 10,000 sockets).
func raiseOpenFileLimit() -> Int {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    limit.rlim_cur = limit.rlim_max
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    return Int(limit.rlim_cur)
}
