import GRDB
import Synchronization

/// What is wrong with the database right now, as the gateway reports it in `/ready` and
/// `health`: pages found damaged (at start by `PRAGMA quick_check`, or by any statement that
/// met `SQLITE_CORRUPT`), or a disk that was full at the last write. A full disk clears as
/// soon as a write succeeds again; damage stays until the file is repaired or replaced.
public final class StoreHealth: Sendable {
    public enum Kind: String, Sendable {
        case diskFull = "disk-full"
        case corrupt
    }

    private struct State {
        var corruption: String?
        var diskFull = false
    }

    private let state = Mutex(State())
    public let path: String

    init(path: String) { self.path = path }

    /// Problems in words, with the next step; empty when healthy.
    public var problems: [String] {
        state.withLock { state in
            var problems: [String] = []
            if let corruption = state.corruption {
                problems.append(
                    "database damaged (\(corruption)): \(path) — stop the gateway, keep a copy, then restore a backup or run "
                        + "`sqlite3 \(path) .recover` into a new file")
            }
            if state.diskFull { problems.append("disk full: the last write to \(path) failed; free space on that disk (it recovers by itself)") }
            return problems
        }
    }

    public var isDegraded: Bool { state.withLock { $0.corruption != nil || $0.diskFull } }

    /// Classifies a store error, if it is one the gateway reports specially.
    public static func kind(of error: any Error) -> Kind? {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: return .diskFull
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corrupt
        default: return nil
        }
    }

    func observe(_ error: any Error) {
        switch Self.kind(of: error) {
        case .diskFull: state.withLock { $0.diskFull = true }
        case .corrupt:
            let detail = (error as? DatabaseError)?.message ?? "SQLITE_CORRUPT"
            state.withLock { if $0.corruption == nil { $0.corruption = String(detail.prefix(200)) } }
        case nil: break
        }
    }

    func writeSucceeded() {
        state.withLock { if $0.diskFull { $0.diskFull = false } }
    }

    func markCorrupt(_ detail: String) {
        state.withLock { $0.corruption = String(detail.prefix(200)) }
    }
}
