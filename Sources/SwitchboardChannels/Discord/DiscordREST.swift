import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The few REST calls the connector makes (create a message, trigger typing), with the bot
/// token in the `Authorization` header only, and the rate limits honoured: it waits for a
/// bucket to reset before sending, and on a 429 waits `retry_after` and tries again.
struct DiscordREST: Sendable {
    let client: HTTPClient
    let baseURL: String
    let token: String
    let limiter: DiscordRateLimiter
    /// 429s waited out within one call before it gives up (the outbox retries it later).
    static let maxRateLimitRetries = 3
    /// A 429 asking for longer than this is handed to the outbox instead of waited out here.
    static let maxInlineWaitMs = 10_000

    struct Failure: Error, Sendable {
        var status: Int?
        var description: String
        var retryAfterMs: Int?

        /// Rate limits, server errors and no answer are worth another try; 4xx are not.
        var isRetryable: Bool { status == nil || status == 429 || (status ?? 0) >= 500 }
    }

    func createMessage(channelId: String, content: String, replyTo: String?) async throws(Failure) -> DiscordSentMessage {
        var body: [String: Any] = ["content": content, "allowed_mentions": ["parse": [String](), "replied_user": false]]
        if let replyTo { body["message_reference"] = ["message_id": replyTo, "fail_if_not_exists": false] }
        let bytes = try await call(.POST, path: "/channels/\(channelId)/messages", route: "POST /channels/\(channelId)/messages", body: body)
        guard let sent = try? JSONDecoder().decode(DiscordSentMessage.self, from: Data(bytes.readableBytesView)) else {
            throw Failure(status: 200, description: "unreadable answer to create message")
        }
        return sent
    }

    /// Replaces a message's content (streamed answers).
    func editMessage(channelId: String, messageId: String, content: String) async throws(Failure) {
        let body: [String: Any] = ["content": content, "allowed_mentions": ["parse": [String](), "replied_user": false]]
        _ = try await call(.PATCH, path: "/channels/\(channelId)/messages/\(messageId)", route: "PATCH /channels/\(channelId)/messages", body: body)
    }

    func triggerTyping(channelId: String) async throws(Failure) {
        _ = try await call(.POST, path: "/channels/\(channelId)/typing", route: "POST /channels/\(channelId)/typing", body: nil)
    }

    private func call(_ method: HTTPMethod, path: String, route: String, body: [String: Any]?) async throws(Failure) -> ByteBuffer {
        var attempt = 0
        while true {
            let wait = limiter.waitMs(route: route, nowMs: Self.nowMs())
            if wait > 0 {
                if wait > Self.maxInlineWaitMs { throw Failure(status: 429, description: "rate limited by Discord", retryAfterMs: wait) }
                do { try await Task.sleep(for: .milliseconds(wait)) } catch { throw Failure(status: nil, description: "cancelled") }
            }
            var request = HTTPClientRequest(url: baseURL + path)
            request.method = method
            request.headers.add(name: "Authorization", value: "Bot \(token)")
            request.headers.add(name: "User-Agent", value: "DiscordBot (https://github.com/switchboard, 1)")
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: body)) ?? Data("{}".utf8)))
            }
            let response: HTTPClientResponse
            let bytes: ByteBuffer
            do {
                response = try await client.execute(request, timeout: .seconds(30))
                bytes = try await response.body.collect(upTo: 1024 * 1024)
            } catch {
                throw Failure(status: nil, description: "no answer from Discord (\(type(of: error)))")
            }
            let now = Self.nowMs()
            limiter.update(
                route: route, remaining: response.headers.first(name: "X-RateLimit-Remaining").flatMap { Int($0) },
                resetAfterMs: response.headers.first(name: "X-RateLimit-Reset-After").flatMap { Double($0) }.map { Int(($0 * 1000).rounded(.up)) }, nowMs: now
            )
            let status = Int(response.status.code)
            if (200..<300).contains(status) { return bytes }
            let answer = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any]
            let message = (answer?["message"] as? String) ?? "HTTP \(status)"
            if status == 429 {
                let seconds = (answer?["retry_after"] as? Double) ?? response.headers.first(name: "Retry-After").flatMap { Double($0) } ?? 1
                let retryAfterMs = Int((seconds * 1000).rounded(.up))
                let global = (answer?["global"] as? Bool) == true || response.headers.first(name: "X-RateLimit-Global") == "true"
                limiter.limited(route: route, retryAfterMs: retryAfterMs, global: global, nowMs: now)
                attempt += 1
                if attempt <= Self.maxRateLimitRetries && retryAfterMs <= Self.maxInlineWaitMs { continue }
                throw Failure(status: 429, description: "rate limited by Discord\(global ? " (global)" : "")", retryAfterMs: retryAfterMs)
            }
            throw Failure(status: status, description: "\(method.rawValue) \(path.split(separator: "/").prefix(2).joined(separator: "/")): \(message)")
        }
    }

    static func nowMs() -> Int { Int(Date().timeIntervalSince1970 * 1000) }
}
