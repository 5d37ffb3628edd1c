import Foundation
@testable import SwitchboardCore
import SwitchboardTesting
import Testing

/// The config file watcher's two sources of change: inotify, and the polling fallback.
@Suite("Config watcher", .timeLimit(.minutes(1)))
struct ConfigWatcherTests {
    @Test("inotify reports a write, and an editor's rename-over, of the watched file only")
    func inotifyNoticesWritesAndRenames() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/switchboard.json"
        // The watch is in place when notifications(for:) returns.
        let writes = try #require(ConfigWatcher.notifications(for: path), "inotify should be available on Linux")
        try await withTimeout(.seconds(10), "a write") {
            try Data("{}".utf8).write(to: URL(fileURLWithPath: directory + "/unrelated.json"))
            try Data("{ a: 1 }".utf8).write(to: URL(fileURLWithPath: path))
            for await _ in writes { return }
        }
        // A second watch, opened after the write, sees only the rename.
        let renames = try #require(ConfigWatcher.notifications(for: path))
        try await withTimeout(.seconds(10), "a rename-over") {
            try Data("{ b: 2 }".utf8).write(to: URL(fileURLWithPath: path + ".tmp"))
            #expect(rename(path + ".tmp", path) == 0)
            for await _ in renames { return }
        }
    }

    @Test("writes to a file held open beside the config (the database's log) raise no inotify event")
    func heldOpenSiblingWritesAreSilent() throws {
        let directory = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        try #require(fd >= 0)
        defer { close(fd) }
        try #require(inotify_add_watch(fd, directory, ConfigWatcher.eventMask) >= 0)
        let wal = open(directory + "/sessions.sqlite-wal", O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        try #require(wal >= 0)
        var buffer = [UInt8](repeating: 0, count: 4096)
        _ = read(fd, &buffer, buffer.count)  // the create
        for _ in 0..<100 { #expect(write(wal, "page", 4) == 4) }
        #expect(read(fd, &buffer, buffer.count) < 0, "a held-open write must not wake the watcher")
        close(wal)
        #expect(read(fd, &buffer, buffer.count) > 0, "closing after a write is still seen")
    }

    @Test("the polling fallback notices a changed file")
    func pollingFallback() async throws {
        let directory = TestGateway.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/switchboard.json"
        try Data("{}".utf8).write(to: URL(fileURLWithPath: path))
        let initial = ConfigWatcher.signature(path)
        try Data("{ gateway: { port: 1 } }".utf8).write(to: URL(fileURLWithPath: path))
        let changes = AsyncStream<Void>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await ConfigWatcher.poll(path, intervalMs: 50, from: initial) { changes.continuation.yield() } }
            try await withTimeout(.seconds(10), "a polled change") { for await _ in changes.stream { return } }
            group.cancelAll()
        }
    }
}
