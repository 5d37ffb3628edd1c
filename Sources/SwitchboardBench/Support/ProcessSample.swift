import Foundation

/// What `/proc` says about a server process: resident memory and CPU time used so far.
struct ProcessSample: Sendable {
    var rssBytes: Int
    /// The anonymous part of RSS (heap, stacks, dirty data): what cannot be dropped and
    /// re-read from a file, so where a leak would show.
    var anonBytes: Int = 0
    /// User + system CPU time in microseconds.
    var cpuMicros: Int
    /// Context switches of all its threads so far (voluntary and not): every hop of work
    /// from one thread to another costs one or two. Threads that ended are not counted.
    var contextSwitches: Int = 0

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
        return ProcessSample(
            rssBytes: rss, anonBytes: anon, cpuMicros: (user + system) * 1_000_000 / ticksPerSecond, contextSwitches: contextSwitches(pid: pid)
        )
    }

    private static func contextSwitches(pid: pid_t) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var total = 0
        for task in tasks {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8) else { continue }
            // `voluntary_ctxt_switches:\t12` and `nonvoluntary_ctxt_switches:\t3`
            for line in status.split(separator: "\n") where line.contains("ctxt_switches:") {
                total += Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
            }
        }
        return total
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
