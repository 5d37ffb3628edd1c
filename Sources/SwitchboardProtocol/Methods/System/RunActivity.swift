/// Agent runs at a glance, in `status` (`runs`): how many are active, how many ended by
/// outcome since the process started, and the last hour minute by minute (what the Control
/// UI charts). Kept in memory only: 60 buckets, whatever the traffic.
public struct RunActivity: Codable, Sendable, Hashable, JSONSchemaDescribable {
    /// Runs queued or running now.
    public var active: Int
    /// Runs ended since the process started, by outcome (`ok`, `error`, `aborted`, `timeout`).
    public var finished: [String: Int]
    /// The last 60 minutes, oldest first; minutes without a run are left out.
    public var minutes: [Minute]

    public struct Minute: Codable, Sendable, Hashable {
        /// Start of the minute (Unix ms).
        public var startMs: Int
        public var ok: Int
        /// Runs that ended in `error` or `timeout`.
        public var failed: Int
        /// Runs stopped on request.
        public var aborted: Int
        /// Mean and longest run time of the minute's runs, from start to end.
        public var meanMs: Int
        public var maxMs: Int

        public init(startMs: Int, ok: Int, failed: Int, aborted: Int, meanMs: Int, maxMs: Int) {
            self.startMs = startMs
            self.ok = ok
            self.failed = failed
            self.aborted = aborted
            self.meanMs = meanMs
            self.maxMs = maxMs
        }
    }

    public init(active: Int, finished: [String: Int], minutes: [Minute]) {
        self.active = active
        self.finished = finished
        self.minutes = minutes
    }

    public static var jsonSchema: JSONSchema {
        .openObject(
            .init("active", .integer(minimum: 0), required: true),
            .init("finished", .any(description: "outcome → count"), required: true),
            .init(
                "minutes",
                .array(
                    items: .openObject(
                        .init("startMs", .integer(minimum: 0), required: true),
                        .init("ok", .integer(minimum: 0), required: true),
                        .init("failed", .integer(minimum: 0), required: true),
                        .init("aborted", .integer(minimum: 0), required: true),
                        .init("meanMs", .integer(minimum: 0), required: true),
                        .init("maxMs", .integer(minimum: 0), required: true)
                    )
                ),
                required: true
            )
        )
    }
}
