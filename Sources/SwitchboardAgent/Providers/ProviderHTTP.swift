public import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import SwitchboardProtocol

/// The HTTP side every provider shares: one POST whose response is an SSE stream, retried on
/// 429/5xx and dropped connections while nothing has been delivered yet, with errors turned
/// into ``ProviderError``s that never echo the API key.
public struct ProviderHTTP: Sendable {
    public struct Timeouts: Sendable, Hashable {
        /// Time to connect to the provider.
        public var connectMs: Int
        /// Time until the response head arrives (models may think for a while).
        public var responseMs: Int
        /// Longest silence allowed between two body chunks once streaming.
        public var idleMs: Int

        public init(connectMs: Int = 10_000, responseMs: Int = 120_000, idleMs: Int = 60_000) {
            self.connectMs = connectMs
            self.responseMs = responseMs
            self.idleMs = idleMs
        }
    }

    let client: HTTPClient
    let retry: RetryPolicy
    let timeouts: Timeouts
    let logger: Logger
    let observer: (@Sendable (ProviderCallSample) -> Void)?
    /// Largest error body read to explain a failure.
    static let maxErrorBodyBytes = 64 * 1024

    /// - Parameter observer: told the timing of every attempt (metrics).
    public init(
        client: HTTPClient, retry: RetryPolicy, timeouts: Timeouts, logger: Logger, observer: (@Sendable (ProviderCallSample) -> Void)? = nil
    ) {
        self.client = client
        self.retry = retry
        self.timeouts = timeouts
        self.logger = logger
        self.observer = observer
    }

    /// AsyncHTTPClient logs at debug and trace only, and tags the logger it is given for each
    /// request (a copy of the log handler every time); with those levels off it gets one that
    /// is disabled.
    private var clientLogger: Logger { logger.logLevel > .debug ? Self.disabledLogger : logger }
    private static let disabledLogger = Logger(label: "switchboard.http", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A client whose idle-read and connect timeouts come from `timeouts`; shut it down when done.
    public static func makeClient(timeouts: Timeouts) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .milliseconds(Int64(timeouts.connectMs)), read: .milliseconds(Int64(timeouts.idleMs)))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// What the caller needs to phrase errors.
    struct Target: Sendable {
        var providerId: String
        var model: String
        var url: String
        var headers: HTTPHeaders
        /// Removed from any text that reaches an error message.
        var secret: String?
        /// Where the user fixes a bad key.
        var keyHint: String
    }

    /// Sends `body` and feeds each SSE event to `onEvent`.
    func streamSSE(_ target: Target, body: Data, onEvent: (SSEEvent) async throws -> Void) async throws {
        var attempt = 0
        while true {
            attempt += 1
            var delivered = false
            do {
                try await attemptOnce(target, body: body) { event in
                    delivered = true
                    try await onEvent(event)
                }
                return
            } catch let error as ProviderError {
                guard error.isRetryable, !delivered, attempt < retry.maxAttempts else { throw error }
                let wait = retry.delayMs(afterAttempt: attempt, retryAfterMs: error.retryAfterMs)
                guard wait <= retry.maxDelayMs else { throw error }
                logger.notice(
                    "model call failed; retrying",
                    metadata: [
                        "sb.provider": "\(target.providerId)", "sb.attempt": "\(attempt)", "sb.retry.ms": "\(wait)",
                        "sb.error.kind": "\(error.kind.rawValue)", "http.status": "\(error.status ?? 0)",
                    ]
                )
                try await Task.sleep(for: .milliseconds(wait))
            }
        }
    }

    private func attemptOnce(_ target: Target, body: Data, onEvent: (SSEEvent) async throws -> Void) async throws {
        var request = HTTPClientRequest(url: target.url)
        request.method = .POST
        request.headers = target.headers
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        let started = ContinuousClock.now
        do {
            response = try await client.execute(request, timeout: .milliseconds(Int64(timeouts.responseMs)), logger: clientLogger)
        } catch {
            observer?(ProviderCallSample(providerId: target.providerId, outcome: "transport_error", responseHead: nil))
            throw Self.transportError(error, target: target, phase: "connecting")
        }
        let head = ContinuousClock.now - started
        guard (200..<300).contains(response.status.code) else {
            observer?(ProviderCallSample(providerId: target.providerId, outcome: "http_\(response.status.code)", responseHead: head))
            throw await Self.statusError(response, target: target)
        }
        observer?(ProviderCallSample(providerId: target.providerId, outcome: "ok", responseHead: head))
        var parser = SSEParser()
        do {
            for try await chunk in response.body {
                for event in try parser.feed(chunk.readableBytesView) { try await onEvent(event) }
            }
        } catch let error as ProviderError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch is SSEParser.LineTooLong {
            throw ProviderError(.badResponse, "provider \(target.providerId) sent an event line over \(parser.maxLineBytes) bytes")
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw Self.transportError(error, target: target, phase: "streaming")
        }
        if let event = parser.finish() { try await onEvent(event) }
    }

    static func transportError(_ error: any Error, target: Target, phase: String) -> ProviderError {
        if let client = error as? HTTPClientError {
            if client == .deadlineExceeded || client == .readTimeout {
                let what = phase == "connecting" ? "did not answer" : "stopped sending"
                return ProviderError(.timeout, "provider \(target.providerId) \(what) in time (model \(target.model))")
            }
            if client == .connectTimeout {
                return ProviderError(.timeout, "could not connect to provider \(target.providerId) in time")
            }
        }
        if phase == "streaming" {
            return ProviderError(.transport, "provider \(target.providerId) closed the connection mid-response (model \(target.model))")
        }
        return ProviderError(.transport, "could not reach provider \(target.providerId) at \(Self.origin(of: target.url)): \(Self.describe(error))")
    }

    static func statusError(_ response: HTTPClientResponse, target: Target) async -> ProviderError {
        let status = Int(response.status.code)
        let bodyText = (try? await response.body.collect(upTo: maxErrorBodyBytes)).map { String(buffer: $0) } ?? ""
        var detail = Self.errorMessage(in: bodyText)
        if let secret = target.secret, !secret.isEmpty { detail = detail.replacingOccurrences(of: secret, with: "***") }
        let suffix = detail.isEmpty ? "" : ": \(detail)"
        let retryAfter = RetryPolicy.retryAfterMs(
            retryAfter: response.headers.first(name: "retry-after"), retryAfterMsHeader: response.headers.first(name: "retry-after-ms")
        )
        switch status {
        case 401, 403:
            return ProviderError(
                .unauthorized, "provider \(target.providerId) rejected the API key (HTTP \(status))\(suffix); check \(target.keyHint)", status: status
            )
        case 404:
            return ProviderError(.invalidModel, "model \"\(target.model)\" is not available at provider \(target.providerId) (HTTP 404)\(suffix)", status: status)
        case 429:
            return ProviderError(.rateLimited, "provider \(target.providerId) is rate limiting requests (HTTP 429)\(suffix)", status: status, retryAfterMs: retryAfter)
        case 500...599:
            return ProviderError(.serverError, "provider \(target.providerId) failed (HTTP \(status))\(suffix)", status: status, retryAfterMs: retryAfter)
        default:
            let lowered = detail.lowercased()
            if lowered.contains("context") && (lowered.contains("length") || lowered.contains("window") || lowered.contains("too long")) {
                return ProviderError(.contextLength, "the conversation is too long for model \(target.model)\(suffix)", status: status)
            }
            if lowered.contains("model") {
                return ProviderError(.invalidModel, "provider \(target.providerId) refused model \"\(target.model)\" (HTTP \(status))\(suffix)", status: status)
            }
            return ProviderError(.badRequest, "provider \(target.providerId) refused the request (HTTP \(status))\(suffix)", status: status)
        }
    }

    /// `error.message` from the OpenAI and Anthropic error shapes, else a short raw excerpt.
    static func errorMessage(in body: String) -> String {
        if let value = try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(body.utf8)) {
            if let message = value["error"]?["message"]?.stringValue { return String(message.prefix(500)) }
            if let message = value["error"]?.stringValue { return String(message.prefix(500)) }
            if let message = value["message"]?.stringValue { return String(message.prefix(500)) }
        }
        return String(body.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
    }

    static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return "the configured baseUrl" }
        return "\(components.scheme ?? "http")://\(host)\(components.port.map { ":\($0)" } ?? "")"
    }

    static func describe(_ error: any Error) -> String {
        if let client = error as? HTTPClientError { return "\(client)" }
        return "\(type(of: error))"
    }
}

/// One model call attempt as metrics see it.
public struct ProviderCallSample: Sendable {
    public var providerId: String
    /// `ok`, `http_<status>` or `transport_error`.
    public var outcome: String
    /// Time from sending the request to the response head (nil when none came).
    public var responseHead: Duration?
}
