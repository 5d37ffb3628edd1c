import Logging
import SwitchboardProtocol
import SwitchboardStore

/// What a client is told when the database failed it: a full disk and a damaged file are
/// named as such (with what to do); anything else points at the log, which has the detail.
enum StoreFailure {
    static func error(_ error: any Error, doing action: String, logger: Logger) -> GatewayError {
        logger.error("store error", metadata: ["sb.action": "\(action)", "error": "\(String(describing: error).prefix(300))"])
        switch StoreHealth.kind(of: error) {
        case .diskFull:
            return .unavailable("disk full: \(action) failed because the disk holding the gateway's state dir is full; free space and retry", retryAfterMs: 5_000)
        case .corrupt:
            return .unavailable("database damaged: \(action) failed; the gateway reports the damage in /ready and health (see the README, \"Damaged state\")")
        case nil:
            return .unavailable("\(action) failed inside the gateway; see the gateway log")
        }
    }
}
