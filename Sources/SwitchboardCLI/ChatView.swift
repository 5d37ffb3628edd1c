import Foundation
import SwitchboardProtocol

/// What `switchboard chat` shows: the answer of the run in flight as it streams (`chat`
/// deltas, v3's whole text or v4's appended text), its tool calls (`agent` tool events), and
/// how it ended.
struct ChatView {
    let sessionKey: String
    /// The run whose answer is being shown.
    var current: String?
    /// The answer text already printed.
    private var printed = ""

    init(sessionKey: String) {
        self.sessionKey = sessionKey
    }

    mutating func started(_ runId: String) {
        current = runId
        printed = ""
        print("agent: ", terminator: "")
    }

    mutating func failed(_ message: String) {
        print("\n[error: \(message)]")
        current = nil
    }

    mutating func handle(_ frame: AnyEventFrame) {
        guard let payload = frame.payload, let runId = payload["runId"]?.stringValue, runId == current else { return }
        if frame.event == "agent", payload["stream"] == "tool", let data = payload["data"] {
            let name = data["name"]?.stringValue ?? "tool"
            if data["phase"] == "start" { print("\n[tool \(name)…]", terminator: "") }
            if data["phase"] == "result" { print(data["isError"] == true ? " failed]\n" : " done]\n", terminator: "") }
            return
        }
        guard frame.event == "chat" else { return }
        switch payload["state"]?.stringValue {
        case "delta":
            let whole = payload["message"].flatMap(Self.text)
            if let whole {
                show(whole)
            } else if let delta = payload["deltaText"]?.stringValue {
                show(payload["replace"] == true ? delta : printed + delta)
            }
        case "final":
            if let whole = payload["message"].flatMap(Self.text) { show(whole) }
            print("")
            current = nil
        case "aborted":
            if let whole = payload["message"].flatMap(Self.text) { show(whole) }
            print("\n[stopped]")
            current = nil
        case "error":
            failed(payload["errorMessage"]?.stringValue ?? "the run failed")
        default:
            break
        }
    }

    /// The end of a run learned after a reconnect: what it wrote that was not shown yet.
    mutating func finishFromHistory(_ message: ChatMessage?) {
        if let message, message.role == "assistant" { show(message.text) }
        print(message?.interrupted == true ? "\n[stopped]" : "")
        current = nil
    }

    /// Prints what `text` adds to what is on screen (or all of it again when it changed).
    private mutating func show(_ text: String) {
        if text.hasPrefix(printed) {
            print(text.dropFirst(printed.count), terminator: "")
        } else {
            print("\n" + text, terminator: "")
        }
        printed = text
    }

    static func text(_ message: JSONValue) -> String? {
        guard case .array(let blocks)? = message["content"] else { return nil }
        return blocks.compactMap { $0["type"] == "text" ? $0["text"]?.stringValue : nil }.joined()
    }
}
