public import GRDB
public import SwitchboardPluginAPI
import Foundation

/// The gateway's SQLite database in the state dir: WAL mode, versioned migrations, one writer
/// and concurrent readers (GRDB's pool).
public final class GatewayDatabase: Sendable {
    public let pool: DatabasePool
    public let path: String
    /// Damage and disk-full state, for `/ready` and `health`.
    public let health: StoreHealth
    /// Session starts and ends, announced after they commit.
    public let sessionLifecycle = SessionLifecycleRelay()

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
        health = StoreHealth(path: path)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Migrations.migrator.migrate(pool)
        } catch {
            throw DatabaseOpenError(path: path, underlying: error)
        }
        // Damaged pages do not stop a database from opening: look for them before serving.
        if let problem = try? pool.read({ db in try String.fetchOne(db, sql: "PRAGMA quick_check(1)") }), problem != "ok" {
            health.markCorrupt(problem)
        }
    }

    /// A write that records disk-full and damage in ``health`` (and clears disk-full on success).
    ///
    /// The transaction is `BEGIN IMMEDIATE` … `COMMIT` as GRDB's own `write` does, but through
    /// statements prepared once per connection: GRDB parses both again on every write, a
    /// measurable share of a turn's cost with several writes per turn.
    public func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            let value = try await pool.writeWithoutTransaction { db in try Self.transaction(db, updates) }
            health.writeSucceeded()
            return value
        } catch {
            health.observe(error)
            throw error
        }
    }

    private static func transaction<T>(_ db: Database, _ updates: (Database) throws -> T) throws -> T {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
        do {
            let value = try updates(db)
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            return value
        } catch {
            // SQLite may have rolled back already (disk full, I/O error); then there is nothing to undo.
            if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute() }
            throw error
        }
    }

    private static func snapshot<T>(_ db: Database, _ value: (Database) throws -> T) throws -> T {
        try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
        defer {
            // Leave the read transaction whatever happened (a failed commit is rolled back).
            if (try? db.cachedStatement(sql: "COMMIT TRANSACTION").execute()) == nil, db.isInsideTransaction {
                try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute()
            }
        }
        return try value(db)
    }

    /// A read that records damage in ``health``.
    ///
    /// Like GRDB's `read`, it runs in a deferred transaction (one snapshot for every statement),
    /// begun and ended through statements prepared once per connection.
    public func read<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.unsafeRead { db in try Self.snapshot(db, value) }
        } catch {
            health.observe(error)
            throw error
        }
    }

    /// Why the database could not be opened: not SQLite, truncated, or unreadable.
    public struct DatabaseOpenError: Error, CustomStringConvertible {
        public var path: String
        public var underlying: any Error

        public var description: String {
            let reason = (underlying as? DatabaseError).map { $0.message ?? "\($0.resultCode)" } ?? "\(underlying)"
            return "cannot open the database \(path): \(reason). It is damaged or not a Switchboard database; "
                + "stop here, keep the file, then move it aside (mv \(path) \(path).broken) to start with an empty one, or restore a backup"
        }
    }

    /// Moves everything in the write-ahead log into the main file and empties the log, so the
    /// file alone holds the data (backups, tests that inspect the file).
    public func checkpoint() throws {
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// The schema version applied, for `status` and tests.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Migrations.migrator.appliedIdentifiers(db).sorted() }
    }
}
