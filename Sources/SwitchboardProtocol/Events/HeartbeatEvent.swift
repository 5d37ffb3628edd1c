/// `heartbeat` (read scope): a heartbeat ran or was skipped — OpenClaw's `HeartbeatEventPayload`
/// (`status` sent, ok-empty, ok-token, skipped, failed).
public enum HeartbeatEvent: GatewayEvent {
    public static let name = "heartbeat"
    public static let requiredScope: OperatorScope? = .read
    public static let summary = "A heartbeat ran (sent, ok-empty, ok-token, failed) or was skipped."
    public typealias Payload = HeartbeatEventPayload
}
