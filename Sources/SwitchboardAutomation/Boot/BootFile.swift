import Foundation

/// `BOOT.md` in the agent workspace: at start, when it has content, it runs once through the
/// agent in the main session as a boot check (OpenClaw's `runBootOnce`), and nothing is
/// delivered to a channel.
public enum BootFile {
    public static let fileName = "BOOT.md"
    /// What the agent answers when nothing needs saying (OpenClaw's `SILENT_REPLY_TOKEN`).
    public static let silentReplyToken = "NO_REPLY"

    public enum Loaded: Sendable, Equatable {
        case missing
        case empty
        case content(String)
    }

    /// Reads `<workspace>/BOOT.md`, trimmed; a file that exists but cannot be read throws.
    public static func load(workspace: String) throws -> Loaded {
        let path = (workspace as NSString).appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: path) else { return .missing }
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? .empty : .content(text)
    }

    /// The boot prompt, as OpenClaw builds it.
    public static func prompt(_ content: String) -> String {
        [
            "You are running a boot check. Follow BOOT.md instructions exactly.",
            "",
            "BOOT.md:",
            content,
            "",
            "If BOOT.md asks you to send a message, use the message tool.",
            "After sending with the message tool, reply with ONLY: \(silentReplyToken).",
            "If nothing needs attention, reply with ONLY: \(silentReplyToken).",
        ].joined(separator: "\n")
    }
}

/// What became of `BOOT.md` at the last start.
public enum BootOutcome: Sendable, Equatable, CustomStringConvertible {
    case ran
    case skipped(String)
    case failed(String)

    public var description: String {
        switch self {
        case .ran: "ran"
        case .skipped(let reason): "skipped (\(reason))"
        case .failed(let reason): "failed: \(reason)"
        }
    }
}
