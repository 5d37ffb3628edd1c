import Crypto
import Foundation
import HTTPTypes
import SwitchboardProtocol

/// A `POST /v1/chat/completions` body, turned into one agent turn.
///
/// - **Agent**: `model` names it — `switchboard/<agentId>` (as `GET /v1/models` lists it), also
///   `switchboard:<id>`, OpenClaw's `openclaw:<id>` / `openclaw/<id>` / `agent:<id>`; a bare
///   `switchboard` or `openclaw` is the default agent. The `x-switchboard-agent-id` (or
///   `x-openclaw-agent-id`) header names it when `model` does not.
/// - **Session**: `x-switchboard-session-key` (or `x-openclaw-session-key`) picks it; else a
///   `user` string gives a stable session of its own; else every call is a new session.
/// - **Messages**: `system`/`developer` messages become extra system prompt; the last message
///   must be the user's and is the turn's message (its `image_url` parts, as `data:` URLs,
///   become image attachments). In a new session, the earlier user/assistant turns are quoted
///   before it; a kept session remembers them itself.
struct ChatCompletionRequest: Sendable {
    var agentId: String
    var sessionKey: String
    var message: String
    var extraSystemPrompt: String?
    var attachments: [JSONValue]
    var stream: Bool
    var includeUsage: Bool
    /// Echoed in every answer.
    var model: String

    static let modelPrefixes = ["switchboard/", "switchboard:", "openclaw:", "openclaw/", "agent:"]
    static let maxUserLength = 256

    static func parse(_ body: JSONValue, headers: HTTPFields, config: AgentConfiguration) throws(OpenAIError) -> ChatCompletionRequest {
        guard case .object(let object) = body else { throw .invalid("the body must be a JSON object") }
        let model = object["model"]?.stringValue ?? ""
        let agentId = try agent(model: model, header: header(headers, "x-switchboard-agent-id", "x-openclaw-agent-id"), config: config)
        guard case .array(let messages)? = object["messages"], !messages.isEmpty else {
            throw .invalid("messages: expected a non-empty array of {role, content}", param: "messages")
        }
        var system: [String] = []
        var turns: [(role: String, text: String)] = []
        var lastImages: [JSONValue] = []
        for (index, message) in messages.enumerated() {
            let role = message["role"]?.stringValue ?? ""
            let (text, images) = try content(message["content"], at: "messages[\(index)].content")
            switch role {
            case "system", "developer": system.append(text)
            case "user", "assistant", "tool":
                turns.append((role, text))
                if index == messages.count - 1 { lastImages = images }
            default:
                throw .invalid("messages[\(index)].role: expected system, developer, user, assistant or tool, got \"\(role.prefix(40))\"", param: "messages[\(index)].role")
            }
        }
        guard let last = turns.last, last.role == "user", messages.last?["role"]?.stringValue == "user" else {
            throw .invalid("the last message must be the user's (role \"user\")", param: "messages")
        }
        guard !last.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || !lastImages.isEmpty else {
            throw .invalid("the last user message is empty", param: "messages")
        }
        if let user = object["user"]?.stringValue, user.count > maxUserLength {
            throw .invalid("user: at most \(maxUserLength) characters", param: "user")
        }
        let explicitKey = header(headers, "x-switchboard-session-key", "x-openclaw-session-key")
        let sessionKey: String
        let kept: Bool
        if let explicitKey {
            let target: RunTarget
            do {
                target = try RunTarget.resolve(agentId: agentId, sessionKey: explicitKey, config: config)
            } catch let error as GatewayError {
                throw .invalid("x-switchboard-session-key: \(error.message)")
            } catch {
                throw .invalid("x-switchboard-session-key: not a valid session key")
            }
            (sessionKey, kept) = (target.sessionKey, true)
        } else if let user = object["user"]?.stringValue, !user.isEmpty {
            let digest = SHA256.hash(data: Data(user.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
            (sessionKey, kept) = ("agent:\(agentId):openai:user-\(digest)", true)
        } else {
            (sessionKey, kept) = ("agent:\(agentId):openai:\(UUID().uuidString.lowercased())", false)
        }
        var text = last.text
        let earlier = turns.dropLast().filter { !$0.text.isEmpty }
        if !kept, !earlier.isEmpty {
            let quoted = earlier.map { "\($0.role == "user" ? "User" : $0.role == "tool" ? "Tool" : "Assistant"): \($0.text)" }.joined(separator: "\n")
            text = "Earlier in this conversation:\n\(quoted)\n\nNow:\n\(text)"
        }
        let stream = object["stream"]?.boolValue ?? false
        return ChatCompletionRequest(
            agentId: agentId, sessionKey: sessionKey, message: text, extraSystemPrompt: system.isEmpty ? nil : system.joined(separator: "\n\n"),
            attachments: lastImages, stream: stream, includeUsage: object["stream_options"]?["include_usage"]?.boolValue ?? false,
            model: model.isEmpty ? "switchboard/\(agentId)" : model)
    }

    /// The agent `model` (or the header) names; OpenAI's 404 `model_not_found` otherwise.
    static func agent(model: String, header: String?, config: AgentConfiguration) throws(OpenAIError) -> String {
        var id: String?
        if let prefix = modelPrefixes.first(where: { model.hasPrefix($0) }) {
            id = String(model.dropFirst(prefix.count))
        } else if model == "switchboard" || model == "openclaw" {
            id = nil
        } else if !model.isEmpty, header == nil {
            throw OpenAIError(
                status: .notFound, message: "the model \"\(model.prefix(100))\" does not exist: use switchboard/<agentId> (GET /v1/models lists them)",
                type: "invalid_request_error", code: "model_not_found", param: "model")
        }
        let chosen = id ?? header ?? AgentConfiguration.defaultAgentId
        guard AgentIdentity.isValidAgentId(chosen), config.agent(chosen) != nil else {
            throw OpenAIError(
                status: .notFound, message: "no agent \"\(chosen.prefix(64))\"; configured: \(AgentMethods.agentIds(config))",
                type: "invalid_request_error", code: "model_not_found", param: "model")
        }
        return chosen
    }

    /// Text of a message's content (a string, or parts), and its images as attachments.
    static func content(_ value: JSONValue?, at path: String) throws(OpenAIError) -> (String, [JSONValue]) {
        switch value {
        case .string(let text)?: return (text, [])
        case .null?, nil: return ("", [])
        case .array(let parts)?:
            var texts: [String] = []
            var images: [JSONValue] = []
            for (index, part) in parts.enumerated() {
                switch part["type"]?.stringValue {
                case "text", "input_text": texts.append(part["text"]?.stringValue ?? "")
                case "image_url", "input_image":
                    let url = part["image_url"]?["url"]?.stringValue ?? part["image_url"]?.stringValue ?? ""
                    guard url.hasPrefix("data:") else {
                        throw .invalid("\(path)[\(index)].image_url.url: only data: URLs are accepted (the gateway does not fetch images)", param: "\(path)[\(index)]")
                    }
                    images.append(["type": "image", "content": .string(url)])
                default:
                    throw .invalid("\(path)[\(index)].type: expected text or image_url", param: "\(path)[\(index)]")
                }
            }
            return (texts.joined(separator: "\n"), images)
        default:
            throw .invalid("\(path): expected a string or an array of parts", param: path)
        }
    }

    static func header(_ headers: HTTPFields, _ names: String...) -> String? {
        for name in names {
            if let field = HTTPField.Name(name), let value = headers[field], !value.isEmpty { return value }
        }
        return nil
    }
}
