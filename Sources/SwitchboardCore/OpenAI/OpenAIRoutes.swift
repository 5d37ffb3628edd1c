import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SwitchboardProtocol

/// The OpenAI-compatible HTTP API on the gateway port (`gateway.http.endpoints.chatCompletions`,
/// off by default), OpenClaw's shape: `POST /v1/chat/completions` (streaming or not) runs an
/// agent turn; `GET /v1/models` lists the agents as `switchboard/<agentId>`.
///
/// Every request proves the gateway's secret first (`Authorization: Bearer`, rate-limited like
/// every secret; none needed on a gateway without auth, which is loopback-only), then the body
/// is read up to `maxBodyBytes`, then checked field by field; images arrive as `data:` URLs and
/// are held to the attachment limits.
enum OpenAIRoutes {
    static func add(to router: Router<GatewayRequestContext>, runtime: GatewayRuntime) {
        guard runtime.configuration.gateway.chatCompletions.enabled else { return }
        router.get("/v1/models") { request, context in
            if let refusal = authorize(request, context, runtime) { return refusal }
            return HTTPRoutes.json(.ok, ["object": "list", "data": .array(models(runtime).map(\.1))])
        }
        let one: @Sendable (Request, GatewayRequestContext) async throws -> Response = { request, context in
            if let refusal = authorize(request, context, runtime) { return refusal }
            let id = request.uri.path.dropFirst("/v1/models/".count)
            guard let model = models(runtime).first(where: { $0.0 == id })?.1 else {
                return OpenAIError(status: .notFound, message: "the model \"\(id.prefix(100))\" does not exist", type: "invalid_request_error", code: "model_not_found").response
            }
            return HTTPRoutes.json(.ok, model)
        }
        router.get("/v1/models/:id", use: one)
        router.get("/v1/models/:id/:name", use: one)
        router.post("/v1/chat/completions") { request, context in
            if let refusal = authorize(request, context, runtime) { return refusal }
            do {
                let body = try await readBody(request, limit: runtime.configuration.gateway.chatCompletions.maxBodyBytes)
                let config = runtime.configuration.agent
                var completion = try ChatCompletionRequest.parse(body, headers: request.headers, config: config)
                let attachments: AttachmentReader.Parsed
                do {
                    attachments = try RunAttachments.read(completion.attachments, config: config)
                } catch let error as GatewayError {
                    throw OpenAIError.invalid(error.message.replacingOccurrences(of: "invalid params: attachments", with: "image"), param: "messages")
                }
                if !attachments.text.isEmpty { completion.message += "\n\n" + attachments.text }
                return try await ChatCompletionRun.respond(completion, images: attachments.images, runtime: runtime)
            } catch let error as OpenAIError {
                return error.response
            }
        }
        router.get("/v1/chat/completions") { _, _ in
            var response = OpenAIError(status: .methodNotAllowed, message: "use POST", type: "invalid_request_error", code: "method_not_allowed").response
            response.headers[.allow] = "POST"
            return response
        }
    }

    /// The agents as OpenAI models.
    static func models(_ runtime: GatewayRuntime) -> [(String, JSONValue)] {
        let config = runtime.configuration.agent
        let ids = config.agents.isEmpty ? [AgentConfiguration.defaultAgentId] : config.agents.map(\.id)
        return ids.map { id in
            let name = "switchboard/\(id)"
            return (name, ["id": .string(name), "object": "model", "created": .int(runtime.startedAtMs / 1000), "owned_by": "switchboard"])
        }
    }

    /// nil when the caller may go on; else the OpenAI-shaped refusal (401, or 429 while limited).
    static func authorize(_ request: Request, _ context: GatewayRequestContext, _ runtime: GatewayRuntime) -> Response? {
        switch GatewayBearerAuth.check(request, peer: context.peerAddress, runtime: runtime) {
        case .passed:
            return nil
        case .refused(let mode, let presented):
            var response = OpenAIError(
                status: .unauthorized, message: presented ? "the key does not match the gateway \(mode)" : "send the gateway \(mode) as the API key (Authorization: Bearer <\(mode)>)",
                type: "invalid_request_error", code: "invalid_api_key"
            ).response
            response.headers[HTTPField.Name("WWW-Authenticate")!] = "Bearer realm=\"switchboard\""
            return response
        case .limited(let retryAfterMs):
            var response = OpenAIError(
                status: .tooManyRequests, message: "too many failed attempts; retry in \((retryAfterMs + 999) / 1000) s", type: "rate_limit_exceeded",
                code: GatewayDetailCode.authRateLimited.rawValue
            ).response
            response.headers[.retryAfter] = "\((retryAfterMs + 999) / 1000)"
            return response
        }
    }

    static func readBody(_ request: Request, limit: Int) async throws -> JSONValue {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw OpenAIError(
                status: .contentTooLarge, message: "the body is \(length) bytes; at most \(limit) (gateway.http.endpoints.chatCompletions.maxBodyBytes)",
                type: "invalid_request_error", code: "payload_too_large")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw OpenAIError(
                status: .contentTooLarge, message: "the body is larger than \(limit) bytes (gateway.http.endpoints.chatCompletions.maxBodyBytes)",
                type: "invalid_request_error", code: "payload_too_large")
        }
        guard let body = try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(buffer.readableBytesView)) else {
            throw OpenAIError.invalid("the body is not valid JSON")
        }
        return body
    }
}
