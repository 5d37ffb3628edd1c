import Foundation
@testable import SwitchboardCore
import SwitchboardTesting
import Testing

/// The config file watcher: inotify with a debounce, and the polling fallback.
@Suite("Config watcher", .timeLimit(.minutes(1)))
struct ConfigWatcherTests {
    @Test("inotify notices writes and an editor's rename-over of the file")
    func inotifyDebounces() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/switchboard.json"
        let calls = AsyncStream<Void>.makeStream()
        let watcher = ConfigWatcher(path: path, debounceMs: 300, pollIntervalMs: 100)
        #expect(ConfigWatcher.notifications(for: path) != nil, "inotify should be available on Linux")
        try await withThrowingTaskGroup(of: Void.self) { group in
            let started = AsyncStream<Void>.makeStream()
            group.addTask {
                started.continuation.yield()
                await watcher.run { calls.continuation.yield() }
            }
            for await _ in started.stream { break }
            // The watch is set up inside run(): write until the first callback proves it is live.
            try await withTimeout(.seconds(10), "the first callback") {
                try await withThrowingTaskGroup(of: Void.self) { writes in
                    writes.addTask {
                        var index = 0
                        while !Task.isCancelled {
                            try Data("{ n: \(index) }".utf8).write(to: URL(fileURLWithPath: path))
                            index += 1
                            try await Task.sleep(for: .milliseconds(500))
                        }
                    }
                    for await _ in calls.stream { break }
                    writes.cancelAll()
                }
            }
            // A burst of writes and an editor-style rename-over is noticed too.
            for index in 0..<3 { try Data("{ burst: \(index) }".utf8).write(to: URL(fileURLWithPath: path)) }
            try Data("{ renamed: true }".utf8).write(to: URL(fileURLWithPath: path + ".tmp"))
            #expect(rename(path + ".tmp", path) == 0)
            try await withTimeout(.seconds(10), "the burst's callback") { for await _ in calls.stream { return } }
            group.cancelAll()
        }
    }

    @Test("the polling fallback notices size, mtime and inode changes")
    func pollingFallback() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/switchboard.json"
        try Data("{}".utf8).write(to: URL(fileURLWithPath: path))
        let changes = AsyncStream<Void>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await ConfigWatcher.poll(path, intervalMs: 50) { changes.continuation.yield() } }
            try await withTimeout(.seconds(10), "a polled change") {
                try await withThrowingTaskGroup(of: Void.self) { writes in
                    writes.addTask {
                        // Keep changing the file until the poller has seen a change.
                        var index = 0
                        while !Task.isCancelled {
                            index += 1
                            try Data("{ gateway: { port: \(index) } }".utf8).write(to: URL(fileURLWithPath: path))
                            try await Task.sleep(for: .milliseconds(100))
                        }
                    }
                    for await _ in changes.stream { break }
                    writes.cancelAll()
                }
            }
            group.cancelAll()
        }
    }
}
