/// One run of a hook, as kept in the gateway database.
public struct HookRunRecord: Sendable, Hashable {
    public var hookName: String
    public var event: String
    public var startedAtMs: Int
    public var durationMs: Int
    /// `ok` or `error`.
    public var status: String
    public var error: String?
    /// The command's output (standard output and errors), its last bytes.
    public var output: String

    public init(hookName: String, event: String, startedAtMs: Int, durationMs: Int, status: String, error: String?, output: String) {
        self.hookName = hookName
        self.event = event
        self.startedAtMs = startedAtMs
        self.durationMs = durationMs
        self.status = status
        self.error = error
        self.output = output
    }
}

/// The log of hook runs: kept across restarts (Clara kept its last results in memory only).
public protocol HookRunStoring: Sendable {
    func record(_ run: HookRunRecord) async throws
    /// Newest first, for one hook or all.
    func runs(hookName: String?, limit: Int) async throws -> [HookRunRecord]
    /// Keeps the newest `keep` runs; returns how many were removed.
    func prune(keep: Int) async throws -> Int
}
