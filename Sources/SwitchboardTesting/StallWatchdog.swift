import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Finds out what stalls the test process: a plain thread probes Swift's concurrency pool,
/// Dispatch's global queue and every NIO singleton event loop twice a second. When a probe
/// has not run after `thresholdSeconds`, one line naming the stalled executors goes to
/// standard error; with `SWITCHBOARD_STALL_DUMP=1` every thread's stack is also written with
/// gdb to `.build/test-artifacts/stall-<pid>-<n>.txt` (at most three per process; gdb pauses
/// the process for seconds, so this is for investigating, not for CI).
/// `SWITCHBOARD_STALL_WATCHDOG=0` turns it off.
public enum StallWatchdog {
    /// Starts the watchdog once per process; later calls do nothing.
    public static func start() { _ = started }

    private static let started: Bool = {
        guard ProcessInfo.processInfo.environment["SWITCHBOARD_STALL_WATCHDOG"] != "0" else { return false }
        let thread = Thread { watch() }
        thread.name = "stall-watchdog"
        thread.start()
        return true
    }()

    private static let thresholdSeconds = 3.0
    private static let wantsDumps = ProcessInfo.processInfo.environment["SWITCHBOARD_STALL_DUMP"] == "1"

    private final class Probe: @unchecked Sendable {
        let name: String
        private let lock = NSLock()
        private var sentAt: Date?
        init(name: String) { self.name = name }

        /// Returns the probe's age if one is in flight, after sending a new one if none is.
        func check(send: (@escaping @Sendable () -> Void) -> Void) -> TimeInterval? {
            lock.lock()
            if let sentAt {
                lock.unlock()
                return Date().timeIntervalSince(sentAt)
            }
            sentAt = Date()
            lock.unlock()
            send { [self] in
                lock.lock()
                sentAt = nil
                lock.unlock()
            }
            return nil
        }
    }

    private static func watch() {
        let loops = MultiThreadedEventLoopGroup.singleton.makeIterator().map { $0 }
        let pool = Probe(name: "concurrency pool")
        let dispatch = Probe(name: "Dispatch global queue")
        let loopProbes = loops.enumerated().map { Probe(name: "NIO singleton loop \($0.offset)") }
        var dumps = 0
        var stalled = Set<String>()
        while true {
            Thread.sleep(forTimeInterval: 0.5)
            var ages: [(Probe, TimeInterval)] = []
            // The probe must be an unstructured task: it measures whether the pool runs a new job at
            // all, from a plain thread with no async context. It is safe unowned: it only clears a
            // flag and ends, and at most one is in flight (`check` sends none while one is pending).
            if let age = pool.check(send: { done in Task.detached { done() } }) { ages.append((pool, age)) }
            if let age = dispatch.check(send: { done in DispatchQueue.global().async { done() } }) {
                ages.append((dispatch, age))
            }
            for (probe, loop) in zip(loopProbes, loops) {
                if let age = probe.check(send: { done in loop.execute { done() } }) { ages.append((probe, age)) }
            }
            let late = ages.filter { $0.1 > thresholdSeconds }.map(\.0.name)
            let newlyStalled = Set(late).subtracting(stalled)
            stalled = Set(late)
            guard !newlyStalled.isEmpty else { continue }
            var line = "stall watchdog: no progress for \(thresholdSeconds) s on \(late.sorted().joined(separator: ", "))"
            if wantsDumps, dumps < 3 {
                dumps += 1
                line += "; stacks in \(dump(number: dumps))"
            }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    private static func dump(number: Int) -> String {
        let directory = FileManager.default.currentDirectoryPath + "/.build/test-artifacts"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = "\(directory)/stall-\(getpid())-\(number).txt"
        // `system` on this plain thread: Foundation's Process waits through Dispatch, which may be the stalled part.
        let command = "gdb -p \(getpid()) -batch -ex 'thread apply all bt 30' 2>&1 | (swift-demangle --simplified 2>/dev/null || cat) > '\(file)'"
        guard system(command) == 0 else { return "\(file) (gdb failed)" }
        return file
    }
}
