import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwitchboardPluginAPI
import SwitchboardProtocol

/// OpenClaw's webhooks on the gateway port (`hooks.enabled`, off by default):
/// `POST <hooks.path>/wake` queues a system event for the main session's heartbeat (and runs it
/// at once unless `mode: "next-heartbeat"`); `POST <hooks.path>/agent` accepts an isolated agent
/// turn (202 once it is journaled) whose answer can be delivered to a chat.
///
/// Every request proves the token first (`Authorization: Bearer`, or `x-openclaw-token`),
/// compared in constant time and rate-limited per address like every other secret; only then is
/// the body read, up to `hooks.maxBodyBytes`. Payload text reaches the model marked untrusted.
enum WebhookRoutes {
    static func add(to router: Router<GatewayRequestContext>, runtime: GatewayRuntime) {
        let settings = runtime.configuration.automation.webhooks
        guard settings.enabled, let token = settings.token, !token.isEmpty else { return }
        let auth = runtime.configuration.gateway.auth
        if token == auth.token || token == auth.password {
            runtime.logger.warning("hooks.token is the gateway's own secret; give webhooks a token of their own so a leaked webhook URL does not open the gateway")
        }
        let base = settings.path
        router.post(RouterPath(base + "/wake")) { request, context in
            try await guarded(request, context, runtime: runtime, token: token) { body in try await wake(body, runtime: runtime) }
        }
        router.post(RouterPath(base + "/agent")) { request, context in
            try await guarded(request, context, runtime: runtime, token: token) { body in try await agent(body, request: request, runtime: runtime) }
        }
        for route in ["/wake", "/agent"] {
            router.get(RouterPath(base + route)) { _, _ in
                var response = error(.methodNotAllowed, "METHOD_NOT_ALLOWED", "use POST")
                response.headers[.allow] = "POST"
                return response
            }
        }
        router.post(RouterPath(base + "/:name")) { request, context in
            try await guarded(request, context, runtime: runtime, token: token) { _ in
                error(.notFound, "NOT_FOUND", "no webhook \(request.uri.path); use \(base)/wake or \(base)/agent")
            }
        }
    }

    /// Auth, rate limit and the size limit, in that order, before `handle` sees the body.
    private static func guarded(
        _ request: Request, _ context: GatewayRequestContext, runtime: GatewayRuntime, token: String, _ handle: (JSONValue) async throws -> Response
    ) async throws -> Response {
        if request.uri.queryParameters["token"] != nil {
            return error(.badRequest, "INVALID_REQUEST", "tokens in the query string are refused (they end up in logs); send Authorization: Bearer <hooks.token>")
        }
        let presented = presentedToken(request.headers)
        let key = AuthRateLimiter.key(origin: BrowserOriginPolicy.browserOrigin(among: request.headers[values: .origin]), address: context.peerAddress)
        let outcome = runtime.authLimiter.attempt(key: key, nowMs: runtime.clock.nowMs()) { !presented.isEmpty && SecretComparison.equal(presented, token) }
        switch outcome {
        case .limited(let retryAfterMs):
            runtime.host.metrics.recordAuthRateLimited()
            var response = error(.tooManyRequests, GatewayDetailCode.authRateLimited.rawValue, "too many failed attempts; retry in \((retryAfterMs + 999) / 1000) s")
            response.headers[.retryAfter] = "\((retryAfterMs + 999) / 1000)"
            return response
        case .passed:
            break
        default:
            var response = error(
                .unauthorized, "UNAUTHORIZED", presented.isEmpty ? "send hooks.token as Authorization: Bearer <token>" : "the webhook token does not match hooks.token")
            response.headers[HTTPField.Name("WWW-Authenticate")!] = "Bearer realm=\"switchboard-hooks\""
            return response
        }
        let limit = runtime.configuration.automation.webhooks.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            return error(.contentTooLarge, "PAYLOAD_TOO_LARGE", "the body is \(length) bytes; at most \(limit) (hooks.maxBodyBytes)")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            return error(.contentTooLarge, "PAYLOAD_TOO_LARGE", "the body is larger than \(limit) bytes (hooks.maxBodyBytes)")
        }
        guard let body = try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(buffer.readableBytesView)), body.objectValue != nil else {
            return error(.badRequest, "INVALID_REQUEST", "the body must be a JSON object")
        }
        do {
            return try await handle(body)
        } catch let failure as WebhookProblem {
            return error(.badRequest, "INVALID_REQUEST", failure.message)
        } catch let failure as GatewayError {
            let status: HTTPResponse.Status = failure.code == .unavailable ? .serviceUnavailable : .badRequest
            return error(status, failure.code.rawValue, failure.message)
        }
    }

    static func presentedToken(_ headers: HTTPFields) -> String {
        if let header = headers[.authorization], header.hasPrefix("Bearer ") { return String(header.dropFirst(7)) }
        return headers[HTTPField.Name("x-openclaw-token")!] ?? ""
    }

    /// `{text, mode?}`: mode `now` (default) or `next-heartbeat`.
    private static func wake(_ body: JSONValue, runtime: GatewayRuntime) async throws -> Response {
        let text = try field(body, "text", required: true) ?? ""
        let mode = try field(body, "mode") ?? "now"
        guard mode == "now" || mode == "next-heartbeat" else { throw WebhookProblem("mode: expected now or next-heartbeat, got \"\(mode.prefix(40))\"") }
        let (record, waiting) = try await runtime.automation.heartbeat.queue(text, source: "webhook", wakeNow: mode == "now", reason: "hook")
        return HTTPRoutes.json(.ok, ["ok": true, "mode": .string(mode), "eventId": .int(Int(record.id)), "queued": .int(waiting)])
    }

    /// `{message, name?, agentId?, sessionKey?, wakeMode?, deliver?, channel?, to?, model?, timeoutSeconds?}`.
    private static func agent(_ body: JSONValue, request: Request, runtime: GatewayRuntime) async throws -> Response {
        let webhooks = runtime.configuration.automation.webhooks
        var turn = WebhookTurn(message: try field(body, "message", required: true) ?? "")
        turn.name = try field(body, "name").map { String($0.prefix(64)) } ?? "webhook"
        let agentId = try field(body, "agentId")
        turn.agentId = agentId.flatMap { runtime.agent.config.agent($0)?.id } ?? AgentConfiguration.defaultAgentId
        if let key = try field(body, "sessionKey") {
            guard webhooks.allowRequestSessionKey else {
                throw WebhookProblem("sessionKey: not accepted (hooks.allowRequestSessionKey is false); each call gets a session of its own")
            }
            guard key.count <= 128, key.allSatisfy({ $0.isLetter || $0.isNumber || ":-_.".contains($0) }) else {
                throw WebhookProblem("sessionKey: at most 128 letters, digits and : - _ .")
            }
            turn.sessionKey = key.hasPrefix("agent:") ? key : "agent:\(turn.agentId):\(key)"
        } else {
            turn.sessionKey = "agent:\(turn.agentId):hook:\(UUID().uuidString.lowercased())"
        }
        if let wakeMode = try field(body, "wakeMode") {
            guard wakeMode == "now" || wakeMode == "next-heartbeat" else { throw WebhookProblem("wakeMode: expected now or next-heartbeat") }
            turn.wakeMode = wakeMode
        }
        if let deliver = body["deliver"], deliver != .null {
            guard let flag = deliver.boolValue else { throw WebhookProblem("deliver: expected true or false") }
            turn.deliver = flag
        }
        turn.channel = try field(body, "channel") ?? "last"
        turn.to = try field(body, "to")
        turn.model = try field(body, "model")
        if let timeout = body["timeoutSeconds"], timeout != .null {
            let number: Double? =
                switch timeout {
                case .int(let value): Double(value)
                case .double(let value): value
                default: nil
                }
            guard let seconds = number, seconds >= 1, seconds <= 86_400 else { throw WebhookProblem("timeoutSeconds: expected a number from 1 to 86400") }
            turn.timeoutMs = Int(seconds * 1000)
        }
        var runId = "hook-\(UUID().uuidString.lowercased())"
        if let key = request.headers[HTTPField.Name("Idempotency-Key")!] {
            guard !key.isEmpty, key.count <= 128, key.allSatisfy({ $0.isLetter || $0.isNumber || ":-_.".contains($0) }) else {
                throw WebhookProblem("Idempotency-Key: at most 128 letters, digits and : - _ .")
            }
            runId = "hook-\(key)"
        }
        let accepted = try await runtime.automation.webhookTurns.start(turn, runId: runId)
        var result: [String: JSONValue] = ["ok": true, "runId": .string(accepted.runId), "sessionKey": .string(accepted.sessionKey)]
        if accepted.duplicate { result["duplicate"] = true }
        return HTTPRoutes.json(.accepted, .object(result))
    }

    /// A string field: nil when absent or null; a wrong type or an empty required value is refused.
    static func field(_ body: JSONValue, _ name: String, required: Bool = false) throws -> String? {
        guard let value = body[name], value != .null else {
            if required { throw WebhookProblem("\(name): required") }
            return nil
        }
        guard let text = value.stringValue else { throw WebhookProblem("\(name): expected a string, got \(value.typeName)") }
        if required && text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw WebhookProblem("\(name): must not be empty") }
        return text
    }

    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        HTTPRoutes.json(status, ["ok": false, "error": ["code": .string(code), "message": .string(message)]])
    }
}

/// A webhook payload the gateway refuses (400), phrased with its field.
struct WebhookProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
