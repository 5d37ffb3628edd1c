import Foundation
#if canImport(CoreFoundation)
import CoreFoundation
#endif
import Synchronization
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

/// What the lock file says about the gateway that holds a state dir; `gateway status` and
/// `gateway stop` read it, and it doubles as the pid file.
public struct InstanceRecord: Codable, Sendable, Hashable {
    public var process: ProcessIdentity
    public var startedAtMs: Int
    public var configPath: String
    public var version: String
    /// The bound port and address, once listening.
    public var port: Int?
    public var bind: String?
    /// Counts in-process restarts; `gateway restart` waits for it to move.
    public var generation = 0
    public var readyAtMs: Int?
    public var logFile: String?
    /// The port speaks TLS (`wss://`); nil in records of gateways from before TLS.
    public var tls: Bool?

    public init(process: ProcessIdentity, startedAtMs: Int, configPath: String, version: String) {
        self.process = process
        self.startedAtMs = startedAtMs
        self.configPath = configPath
        self.version = version
    }
}

/// Why the state dir could not be locked.
public enum InstanceLockError: Error, CustomStringConvertible {
    case held(path: String, holder: InstanceRecord?)
    case unavailable(path: String, reason: String)

    public var description: String {
        switch self {
        case .held(let path, let holder?):
            let since = Date(timeIntervalSince1970: Double(holder.startedAtMs) / 1000).formatted(.iso8601)
            return "another gateway already uses this state dir: pid \(holder.process.pid), started \(since), config \(holder.configPath)"
                + (holder.port.map { ", port \($0)" } ?? "") + " (lock file \(path)); stop it with `switchboard gateway stop` or use another --state-dir"
        case .held(let path, nil):
            return "another process holds the gateway lock \(path); stop it or use another --state-dir"
        case .unavailable(let path, let reason):
            return "cannot create the gateway lock \(path): \(reason)"
        }
    }
}

/// One gateway per state dir. The lock is an `flock` on `<stateDir>/gateway.lock`, which
/// the kernel drops when the process dies, so a crash never leaves the dir locked; the
/// file's record (pid + start time) names the holder, and a record whose process is gone or
/// whose pid was reused is stale and taken over.
public final class InstanceLock: Sendable {
    public let path: String
    private let descriptor: Int32
    private let record: Mutex<InstanceRecord>
    /// The holder a stale lock file named, if this lock replaced one.
    public let tookOverFrom: InstanceRecord?

    public static func path(stateDir: String) -> String { (stateDir as NSString).appendingPathComponent("gateway.lock") }

    /// - Throws: ``InstanceLockError/held(path:holder:)`` when a live gateway holds the dir.
    public static func acquire(stateDir: String, record: InstanceRecord) throws(InstanceLockError) -> InstanceLock {
        let path = path(stateDir: stateDir)
        do {
            try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .unavailable(path: path, reason: "cannot create the state dir (\(error.localizedDescription))")
        }
        for _ in 0..<5 {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw .unavailable(path: path, reason: String(cString: strerror(errno))) }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let holder = readRecord(fd: fd)
                close(fd)
                throw .held(path: path, holder: holder)
            }
            // The previous holder may have unlinked the file between our open and flock.
            guard sameFile(fd: fd, path: path) else {
                close(fd)
                continue
            }
            let previous = readRecord(fd: fd)
            if let previous, previous.process.pid != getpid(), previous.process.isAlive {
                // Alive but not holding the flock (a file system without flock): still refuse.
                close(fd)
                throw .held(path: path, holder: previous)
            }
            let lock = InstanceLock(path: path, descriptor: fd, record: record, tookOverFrom: previous)
            lock.write()
            return lock
        }
        throw .unavailable(path: path, reason: "the lock file keeps being replaced")
    }

    private init(path: String, descriptor: Int32, record: InstanceRecord, tookOverFrom: InstanceRecord?) {
        self.path = path
        self.descriptor = descriptor
        self.record = Mutex(record)
        self.tookOverFrom = tookOverFrom
    }

    deinit {
        close(descriptor)
    }

    public var current: InstanceRecord { record.withLock { $0 } }

    /// Rewrites the record (port once listening, generation after a restart).
    public func update(_ change: (inout InstanceRecord) -> Void) {
        record.withLock { change(&$0) }
        write()
    }

    /// Removes the file and drops the lock; call once, at exit.
    public func release() {
        unlink(path)
        flock(descriptor, LOCK_UN)
    }

    /// The record of whoever holds (or last held) the state dir, and whether it still runs.
    public static func inspect(stateDir: String) -> (record: InstanceRecord, running: Bool)? {
        let path = path(stateDir: stateDir)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // A record being rewritten can read torn for an instant: read again before giving up.
        guard let record = readRecord(fd: fd) ?? readRecord(fd: fd) ?? readRecord(fd: fd) else { return nil }
        // Locked by someone else means running, whatever the pid check says.
        let probe = open(path, O_RDWR | O_CLOEXEC)
        defer { if probe >= 0 { close(probe) } }
        var locked = false
        if probe >= 0 {
            if flock(probe, LOCK_EX | LOCK_NB) != 0 {
                locked = true
            } else {
                flock(probe, LOCK_UN)
            }
        }
        return (record, locked || (record.process.pid != getpid() && record.process.isAlive))
    }

    /// Overwrites, then trims: a reader never finds the file empty (it was truncated first,
    /// and `status` read "no gateway" in that instant). A reader racing the write may see a
    /// torn record; ``inspect(stateDir:)`` reads again then.
    private func write() {
        let data = (try? JSONEncoder.lockRecord.encode(current)) ?? Data()
        _ = data.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        _ = ftruncate(descriptor, off_t(data.count))
    }

    private static func readRecord(fd: Int32) -> InstanceRecord? {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var offset: off_t = 0
        while data.count < 65_536 {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if count <= 0 { break }
            data.append(contentsOf: buffer[0..<count])
            offset += off_t(count)
        }
        return try? JSONDecoder().decode(InstanceRecord.self, from: data)
    }

    private static func sameFile(fd: Int32, path: String) -> Bool {
        var open = stat()
        var named = stat()
        guard fstat(fd, &open) == 0, stat(path, &named) == 0 else { return false }
        return open.st_ino == named.st_ino && open.st_dev == named.st_dev
    }
}

extension JSONEncoder {
    static let lockRecord: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
