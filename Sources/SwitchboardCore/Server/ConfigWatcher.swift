import Dispatch
import Foundation
#if canImport(CoreFoundation)
import CoreFoundation
#endif
import Synchronization
import SwitchboardPluginAPI
#if canImport(Glibc)
import Glibc
#endif
// libc structs (`stat`, `timespec`) are credited to whichever clang module loaded their header
// first, which depends on how files are batched; import that candidate too.
#if canImport(CDispatch)
import CDispatch
#endif

/// Watches the config file and calls back once an edit has settled. Uses inotify on the
/// file's folder where available (editors replace files by rename, so the folder is what
/// to watch), and polls the file's size, mtime and inode otherwise.
struct ConfigWatcher: Sendable {
    let path: String
    /// Quiet time after the last change before the callback runs (editors write in steps).
    let debounceMs: Int
    let pollIntervalMs: Int

    /// Runs until the task is cancelled.
    func run(onChange: @escaping @Sendable () async -> Void) async {
        let notifications = Self.notifications(for: path)
        let pending = ChangeCount()
        let wake = WakeSignal()
        let noteChange: @Sendable () -> Void = {
            pending.bump()
            wake.signal()
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                if let notifications {
                    for await _ in notifications { noteChange() }
                } else {
                    await Self.poll(path, intervalMs: pollIntervalMs, onChange: noteChange)
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    await wake.wait(timeoutMs: 3_600_000)
                    guard !Task.isCancelled, pending.current > 0 else { continue }
                    // Debounce: wait until no event arrived during a whole quiet period.
                    while !Task.isCancelled {
                        let seen = pending.current
                        try? await Task.sleep(for: .milliseconds(debounceMs))
                        if pending.current == seen { break }
                    }
                    guard !Task.isCancelled else { return }
                    pending.reset()
                    await onChange()
                }
            }
            await group.waitForAll()
        }
    }

    #if os(Linux)
    /// The inotify events that can mean "the config file changed". Not `IN_MODIFY`: the
    /// folder is the state dir, where the SQLite write-ahead log and the log file are written
    /// on every turn while held open, and each write would wake a thread (two context
    /// switches) for nothing. A write in place still ends with `IN_CLOSE_WRITE`, and an
    /// editor's rename-over with `IN_MOVED_TO`.
    static let eventMask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ATTRIB)
    #endif

    /// Change events from inotify, or nil where it cannot be used.
    static func notifications(for path: String) -> AsyncStream<Void>? {
        #if os(Linux)
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        guard inotify_add_watch(fd, directory, eventMask) >= 0 else {
            close(fd)
            return nil
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        // Only touched from its own queue and the stream's termination handler.
        nonisolated(unsafe) let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: DispatchQueue(label: "switchboard.config-watch"))
        source.setEventHandler {
            if Self.drainEvents(fd: fd, matching: name) { continuation.yield() }
        }
        source.setCancelHandler { close(fd) }
        continuation.onTermination = { _ in source.cancel() }
        source.resume()
        return stream
        #else
        return nil
        #endif
    }

    #if os(Linux)
    /// Reads every queued event; true when one names the watched file.
    private static func drainEvents(fd: Int32, matching name: String) -> Bool {
        var matched = false
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return matched }
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= count {
                let length = buffer.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)) }
                let nameBytes = buffer[(offset + header)..<min(count, offset + header + length)].prefix { $0 != 0 }
                if String(decoding: nameBytes, as: UTF8.self) == name { matched = true }
                offset += header + length
            }
        }
    }
    #endif

    /// Compares the file's stat every `intervalMs` until cancelled, starting from `initial`
    /// (the file as it was when watching began).
    static func poll(_ path: String, intervalMs: Int, from initial: [Int]? = nil, onChange: @Sendable () -> Void) async {
        var last = initial ?? signature(path)
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(intervalMs))
            let now = signature(path)
            if now != last {
                last = now
                onChange()
            }
        }
    }

    static func signature(_ path: String) -> [Int] {
        var info = stat()
        guard stat(path, &info) == 0 else { return [] }
        return [Int(info.st_ino), Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
    }
}

/// Changes seen since the last callback.
private final class ChangeCount: Sendable {
    private let value = Atomic(0)

    func bump() { value.add(1, ordering: .relaxed) }
    func reset() { value.store(0, ordering: .relaxed) }
    var current: Int { value.load(ordering: .relaxed) }
}
