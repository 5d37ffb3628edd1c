public import GRDB
import Foundation

/// The gateway's SQLite database in the state dir: WAL mode, versioned migrations, one writer
/// and concurrent readers (GRDB's pool).
public final class GatewayDatabase: Sendable {
    public let pool: DatabasePool
    public let path: String

    /// Reader connections (plus one writer). Each keeps its own page cache, so this and
    /// ``pageCacheKiB`` bound the memory SQLite may hold as transcripts grow.
    public static let maxReaders = 2
    /// Page cache per connection, in KiB (SQLite's default is 2,000).
    public static let pageCacheKiB = 512

    /// How hard a commit is pushed to disk before it returns (SQLite's `synchronous`).
    public enum Durability: String, Sendable, CaseIterable {
        /// Every commit is fsynced before it returns: an acknowledged message, run, reply or
        /// cursor survives a crash of the process, the OS or the power (the default).
        case full
        /// WAL commits are fsynced at checkpoints only: survives a crash or kill of the
        /// process, but a power cut or kernel panic can lose the last commits.
        case normal
    }

    /// Opens (creating if needed) the database at `path` and runs pending migrations.
    ///
    /// The file is created with mode 0600: it holds device tokens.
    public init(path: String, durability: Durability = .full) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.maximumReaderCount = Self.maxReaders
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
            try db.execute(sql: "PRAGMA cache_size = -\(Self.pageCacheKiB)")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Migrations.migrator.migrate(pool)
    }

    /// The schema version applied, for `status` and tests.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Migrations.migrator.appliedIdentifiers(db).sorted() }
    }
}
