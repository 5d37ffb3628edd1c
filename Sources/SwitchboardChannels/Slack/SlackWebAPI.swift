import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The Web API calls the connector makes, tokens in the `Authorization` header only:
/// `apps.connections.open` (app token) for a Socket Mode URL, `auth.test` (bot token) for the
/// bot's own user id, and `chat.postMessage`. A 429's `Retry-After` is waited out (up to 3
/// times, 10 s) before the outbox is asked to retry later.
struct SlackWebAPI: Sendable {
    let client: HTTPClient
    let baseURL: String
    let appToken: String
    let botToken: String
    static let maxRateLimitRetries = 3
    static let maxInlineWaitMs = 10_000

    struct Failure: Error, Sendable {
        /// Slack's `error` (`invalid_auth`, `channel_not_found`, …), or nil for no answer.
        var error: String?
        var status: Int?
        var retryAfterMs: Int?

        var isRetryable: Bool {
            error == nil || status == 429 || (status ?? 0) >= 500 || ["ratelimited", "internal_error", "fatal_error", "service_unavailable"].contains(error ?? "")
        }
        var isAuth: Bool { ["invalid_auth", "not_authed", "account_inactive", "token_revoked", "missing_scope"].contains(error ?? "") }
        var description: String { error.map { "Slack said \($0)" } ?? "no answer from Slack" }
    }

    func openConnection() async throws(Failure) -> String {
        let answer = try await call("apps.connections.open", token: appToken, body: [:])
        guard let url = answer["url"] as? String else { throw Failure(error: "no_url", status: 200) }
        return url
    }

    /// The bot's user id (`U…`): its own messages are ignored and its mentions removed.
    func botUserId() async throws(Failure) -> String {
        let answer = try await call("auth.test", token: botToken, body: [:])
        guard let id = answer["user_id"] as? String else { throw Failure(error: "no_user_id", status: 200) }
        return id
    }

    func postMessage(channel: String, text: String, threadTs: String?) async throws(Failure) -> String {
        var body: [String: Any] = ["channel": channel, "text": text, "mrkdwn": true, "unfurl_links": false]
        if let threadTs { body["thread_ts"] = threadTs }
        let answer = try await call("chat.postMessage", token: botToken, body: body)
        return (answer["ts"] as? String) ?? ""
    }

    private func call(_ method: String, token: String, body: [String: Any]) async throws(Failure) -> [String: Any] {
        var attempt = 0
        while true {
            var request = HTTPClientRequest(url: "\(baseURL)/\(method)")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.body = .bytes(ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: body)) ?? Data("{}".utf8)))
            let status: Int
            let bytes: ByteBuffer
            let retryAfter: Int?
            do {
                let response = try await client.execute(request, timeout: .seconds(30))
                status = Int(response.status.code)
                retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0) }
                bytes = try await response.body.collect(upTo: 1024 * 1024)
            } catch {
                throw Failure(error: nil, status: nil)
            }
            if status == 429 {
                let waitMs = (retryAfter ?? 1) * 1000
                attempt += 1
                if attempt <= Self.maxRateLimitRetries && waitMs <= Self.maxInlineWaitMs {
                    do { try await Task.sleep(for: .milliseconds(waitMs)) } catch { throw Failure(error: nil, status: nil) }
                    continue
                }
                throw Failure(error: "ratelimited", status: 429, retryAfterMs: waitMs)
            }
            let answer = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
            guard (200..<300).contains(status), answer["ok"] as? Bool == true else {
                throw Failure(error: (answer["error"] as? String) ?? "http_\(status)", status: status)
            }
            return answer
        }
    }
}
