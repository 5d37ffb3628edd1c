import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A small Bot API client. The token is part of every URL, so URLs never reach errors or logs.
struct TelegramBotAPI: Sendable {
    let client: HTTPClient
    let baseURL: String
    let token: String

    /// A failed call, phrased without the token.
    struct Failure: Error, Sendable {
        enum Kind: Sendable {
            /// The Bot API answered `ok: false` (status in `code`).
            case api
            /// No answer: connection refused, reset, timed out.
            case transport
        }

        var kind: Kind
        var code: Int?
        var description: String
        var retryAfterSeconds: Int?

        var isRetryable: Bool {
            switch kind {
            case .transport: true
            case .api: code == 429 || (code ?? 0) >= 500
            }
        }
    }

    func getMe() async throws(Failure) -> TelegramUser {
        try await call("getMe", body: [:], timeout: .seconds(30))
    }

    /// Long-polls for updates; waits up to `timeoutSeconds` on the server.
    func getUpdates(offset: Int?, timeoutSeconds: Int, limit: Int) async throws(Failure) -> [TelegramUpdate] {
        var body: [String: Any] = ["timeout": timeoutSeconds, "limit": limit, "allowed_updates": ["message"]]
        if let offset { body["offset"] = offset }
        return try await call("getUpdates", body: body, timeout: .seconds(Int64(timeoutSeconds) + 15))
    }

    /// Sends one part; `html` selects the HTML parse mode.
    func sendMessage(chatId: String, text: String, html: Bool, replyTo: Int?) async throws(Failure) -> TelegramSentMessage {
        var body: [String: Any] = ["chat_id": chatId, "text": text, "link_preview_options": ["is_disabled": true]]
        if html { body["parse_mode"] = "HTML" }
        if let replyTo { body["reply_parameters"] = ["message_id": replyTo, "allow_sending_without_reply": true] }
        return try await call("sendMessage", body: body, timeout: .seconds(30))
    }

    private func call<Result: Decodable & Sendable>(_ method: String, body: [String: Any], timeout: TimeAmount) async throws(Failure) -> Result {
        var request = HTTPClientRequest(url: "\(baseURL)/bot\(token)/\(method)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        guard let data = try? JSONSerialization.data(withJSONObject: body) else {
            throw Failure(kind: .api, code: nil, description: "could not encode the \(method) request")
        }
        request.body = .bytes(ByteBuffer(bytes: data))
        let bytes: ByteBuffer
        let status: HTTPResponseStatus
        do {
            let response = try await client.execute(request, timeout: timeout)
            status = response.status
            bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        } catch is CancellationError {
            throw Failure(kind: .transport, code: nil, description: "cancelled")
        } catch {
            throw Failure(kind: .transport, code: nil, description: "\(method): no answer from the Bot API (\(Self.describe(error)))")
        }
        let envelope: TelegramEnvelope<Result>
        do {
            envelope = try JSONDecoder().decode(TelegramEnvelope<Result>.self, from: Data(bytes.readableBytesView))
        } catch {
            throw Failure(kind: .api, code: Int(status.code), description: "\(method): unreadable Bot API answer (HTTP \(status.code))")
        }
        guard envelope.ok, let result = envelope.result else {
            throw Failure(
                kind: .api, code: envelope.errorCode ?? Int(status.code),
                description: "\(method): \(envelope.description ?? "HTTP \(status.code)")".replacingOccurrences(of: token, with: "<token>"),
                retryAfterSeconds: envelope.parameters?.retryAfter
            )
        }
        return result
    }

    /// The error's type and case, never its full text (which could carry the URL).
    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)".components(separatedBy: "(").first ?? "HTTPClientError" }
        return "\(type(of: error))"
    }
}
