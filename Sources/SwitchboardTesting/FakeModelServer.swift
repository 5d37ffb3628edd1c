import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
public import SwitchboardProtocol

/// A scripted reply of the fake model server, rendered in the dialect of the endpoint asked
/// (OpenAI Chat Completions or Anthropic Messages SSE).
public enum FakeReply: Sendable {
    /// Text chunks, `delayMs` apart, then a normal stop.
    case text([String], delayMs: Int = 0)
    /// Text chunks, then a stop for length (`max_tokens`).
    case length([String])
    /// One turn asking for tool calls (`id`, `name`, arguments JSON).
    case toolCalls([FakeToolCall])
    /// A plain HTTP error.
    case status(Int, body: String, headers: [String: String] = [:])
    /// Text chunks, then the connection is cut before the answer completes.
    case disconnect(after: [String])
    /// "echo: " and the last user message, as one chunk (many-message tests tell replies apart).
    case echo
    /// The first chunk, then nothing until `gate` opens, then the rest: ordering tests hold a
    /// reply open on an event instead of on a delay.
    case held([String], until: Gate)
}

public struct FakeToolCall: Sendable {
    public var id: String
    public var name: String
    public var arguments: String
    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// A real HTTP server on loopback standing in for OpenAI-compatible and Anthropic APIs. The
/// code under test uses its real provider clients against it (`baseURL`).
public final class FakeModelServer: Sendable {
    private struct State {
        var replies: [FakeReply] = []
        var fallback = FakeReply.text(["ok"])
        var requests: [JSONValue] = []
        var headers: [[String: String]] = []
        /// When each SSE data write of each request left the server (benchmarks).
        var writeTimes: [[ContinuousClock.Instant]] = []
    }

    private let state = Mutex(State())
    public let port: Int
    /// Raised whenever a request arrives (tests wait on it instead of sleeping).
    public let requestArrived = AsyncStream<Int>.makeStream(bufferingPolicy: .unbounded)

    init(port: Int) { self.port = port }

    /// `http://127.0.0.1:<port>/v1` (OpenAI style); Anthropic clients use ``origin``.
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    public var origin: String { "http://127.0.0.1:\(port)" }

    /// Replies used in order; when they run out every request gets `.text(["ok"])`.
    public func enqueue(_ replies: FakeReply...) {
        state.withLock { $0.replies += replies }
    }

    /// The reply used once the queue is empty (`.text(["ok"])` unless set).
    public func setDefault(_ reply: FakeReply) {
        state.withLock { $0.fallback = reply }
    }

    /// The JSON bodies received so far.
    public var requests: [JSONValue] { state.withLock { $0.requests } }
    var defaultReply: FakeReply { state.withLock { $0.fallback } }
    public var requestHeaders: [[String: String]] { state.withLock { $0.headers } }
    /// Per request, the instant each SSE event was written (the first is the role/start event).
    public var writeTimes: [[ContinuousClock.Instant]] { state.withLock { $0.writeTimes } }

    fileprivate func recordWrite(request: Int, at instant: ContinuousClock.Instant) {
        state.withLock { state in
            while state.writeTimes.count < request { state.writeTimes.append([]) }
            state.writeTimes[request - 1].append(instant)
        }
    }

    fileprivate func take(body: JSONValue, headers: [String: String]) -> (FakeReply, Int) {
        let (reply, count) = state.withLock { state -> (FakeReply, Int) in
            state.requests.append(body)
            state.headers.append(headers)
            let reply = state.replies.isEmpty ? state.fallback : state.replies.removeFirst()
            return (reply, state.requests.count)
        }
        if case .echo = reply {
            return (.text(["echo: " + Self.lastUserText(body)]), count)
        }
        requestArrived.continuation.yield(count)
        return (reply, count)
    }

    /// The last user message of a request body (its text blocks joined).
    public static func lastUserText(_ body: JSONValue) -> String {
        guard case .array(let messages)? = body["messages"] else { return "" }
        for message in messages.reversed() where message["role"]?.stringValue == "user" {
            if let text = message["content"]?.stringValue { return text }
            if case .array(let blocks)? = message["content"] { return blocks.compactMap { $0["text"]?.stringValue }.joined() }
        }
        return ""
    }

    /// Runs the server on a free port for the duration of `body`.
    public static func with<T: Sendable>(_ body: @Sendable (FakeModelServer) async throws -> T) async throws -> T {
        StallWatchdog.start()
        let box = ServerBox()
        let router = Router()
        router.post("/v1/chat/completions") { request, _ -> Response in
            try await Self.respond(request, box: box, dialect: Dialect.openAI)
        }
        router.post("/v1/messages") { request, _ -> Response in
            try await Self.respond(request, box: box, dialect: Dialect.anthropic)
        }
        // The model list (both dialects): what `switchboard doctor` probes. A default reply of
        // `.status` makes it fail the same way.
        router.get("/v1/models") { _, _ -> Response in
            var status = HTTPResponse.Status.ok
            if case .status(let code, _, _)? = box.value.withLock({ $0 })?.defaultReply { status = .init(code: code) }
            var buffer = ByteBuffer()
            buffer.writeString(#"{"object":"list","data":[{"id":"m1","object":"model"}]}"#)
            return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
        }
        return try await LoopbackServer.with(label: "fake-model") { onRunning in
            Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: onRunning,
                logger: Logger(label: "fake-model")
            )
        } _: { port in
            let server = FakeModelServer(port: port)
            box.value.withLock { $0 = server }
            return try await body(server)
        }
    }

    enum Dialect: Sendable { case openAI, anthropic }

    final class ServerBox: Sendable {
        let value = Mutex<FakeModelServer?>(nil)
    }

    struct Cut: Error {}

    private static func respond(_ request: Request, box: ServerBox, dialect: Dialect) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 16 * 1024 * 1024)
        let json = (try? GatewayJSON.decoder.decode(JSONValue.self, from: Data(buffer.readableBytesView))) ?? .null
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        guard let server = box.value.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
        let (reply, number) = server.take(body: json, headers: headers)
        if case .status(let code, let body, let extra) = reply {
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            for (name, value) in extra { if let field = HTTPField.Name(name) { fields[field] = value } }
            return Response(status: .init(code: code), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let events = SSEScript.events(for: reply, dialect: dialect)
        var fields = HTTPFields()
        fields[.contentType] = "text/event-stream"
        fields[.cacheControl] = "no-cache"
        return Response(
            status: .ok, headers: fields,
            body: ResponseBody { writer in
                for event in events {
                    switch event {
                    case .data(let text):
                        try await writer.write(ByteBuffer(string: text))
                        server.recordWrite(request: number, at: .now)
                    case .pause(let ms): try await Task.sleep(for: .milliseconds(ms))
                    case .wait(let gate): await gate.wait()
                    case .cut: throw Cut()
                    }
                }
                try await writer.finish(nil)
            }
        )
    }
}
