/// `cron` (read scope): a scheduled job changed or one of its runs started or finished —
/// OpenClaw's shape `{jobId, action, runAtMs?, durationMs?, status?, error?, summary?, nextRunAtMs?}`.
public enum CronEvent: GatewayEvent {
    public static let name = "cron"
    public static let requiredScope: OperatorScope? = .read
    public static let summary = "A scheduled job was added, updated or removed, or a run started or finished."

    public struct Payload: Codable, Sendable, Hashable, JSONSchemaDescribable {
        public var jobId: String
        /// `added`, `updated`, `removed`, `started`, `finished`.
        public var action: String
        public var jobName: String?
        public var runId: String?
        public var runAtMs: Int?
        public var durationMs: Int?
        /// `ok`, `error`, `skipped` (finished runs).
        public var status: String?
        public var error: String?
        public var summary: String?
        public var nextRunAtMs: Int?
        public var ts: Int

        public init(jobId: String, action: String, ts: Int) {
            self.jobId = jobId
            self.action = action
            self.ts = ts
        }

        public static var jsonSchema: JSONSchema {
            .openObject(
                .init("jobId", .string(), required: true),
                .init("action", .string(enumValues: ["added", "updated", "removed", "started", "finished"]), required: true),
                .init("jobName", .string()), .init("runId", .string()), .init("runAtMs", .integer(minimum: 0)), .init("durationMs", .integer(minimum: 0)),
                .init("status", .string(enumValues: ["ok", "error", "skipped"])), .init("error", .string()), .init("summary", .string()),
                .init("nextRunAtMs", .integer(minimum: 0)), .init("ts", .integer(minimum: 0), required: true)
            )
        }
    }
}
