public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
public import SwitchboardProtocol

/// `fetch_url`: GET a web page or API over http(s), with a byte cap and a time limit.
///
/// By default it refuses loopback, private and link-local addresses (also after redirects),
/// so the model cannot be talked into reading the gateway or the LAN.
public struct FetchURLTool: AgentTool {
    public struct Limits: Sendable, Hashable {
        public var maxBytes: Int
        public var timeoutMs: Int
        public var allowPrivateNetwork: Bool
        public var maxRedirects: Int

        public init(maxBytes: Int = 256 * 1024, timeoutMs: Int = 15_000, allowPrivateNetwork: Bool = false, maxRedirects: Int = 5) {
            self.maxBytes = maxBytes
            self.timeoutMs = timeoutMs
            self.allowPrivateNetwork = allowPrivateNetwork
            self.maxRedirects = maxRedirects
        }
    }

    let client: HTTPClient
    public let limits: Limits

    /// - Parameter client: should not follow redirects itself (see ``makeClient()``).
    public init(client: HTTPClient, limits: Limits) {
        self.client = client
        self.limits = limits
    }

    /// A client that leaves redirects to the tool, so every hop is checked.
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(15))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    public var definition: ToolDefinition {
        ToolDefinition(
            name: "fetch_url",
            description: "Fetch a web page or API response by URL (http or https) and return its text.",
            parameters: [
                "type": "object", "required": ["url"], "additionalProperties": false,
                "properties": ["url": ["type": "string", "description": "absolute http(s) URL"]],
            ]
        )
    }

    public func call(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        var url = arguments["url"]?.stringValue ?? ""
        let deadline = ContinuousClock.now + .milliseconds(limits.timeoutMs)
        for _ in 0...limits.maxRedirects {
            try await check(url)
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "user-agent", value: "Switchboard/1 (fetch_url tool)")
            request.headers.add(name: "accept", value: "text/html, text/plain, application/json;q=0.9, */*;q=0.5")
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw ToolFailure("timed out after \(limits.timeoutMs) ms") }
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, timeout: .nanoseconds(Int64(remaining.components.seconds) * 1_000_000_000 + remaining.components.attoseconds / 1_000_000_000))
            } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
                throw ToolFailure("timed out after \(limits.timeoutMs) ms")
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw ToolFailure("could not fetch \(url): \(error)")
            }
            if (300..<400).contains(response.status.code), let location = response.headers.first(name: "location") {
                guard let next = URL(string: location, relativeTo: URL(string: url))?.absoluteString else {
                    throw ToolFailure("redirect to an invalid location")
                }
                url = next
                continue
            }
            var body = ByteBuffer()
            var truncated = false
            for try await chunk in response.body {
                if ContinuousClock.now > deadline { throw ToolFailure("timed out after \(limits.timeoutMs) ms") }
                var chunk = chunk
                let room = limits.maxBytes - body.readableBytes
                if chunk.readableBytes > room {
                    if room > 0, let slice = chunk.readSlice(length: room) { body.writeImmutableBuffer(slice) }
                    truncated = true
                    break
                }
                body.writeBuffer(&chunk)
            }
            let type = response.headers.first(name: "content-type") ?? "unknown"
            let isText = type.hasPrefix("text/") || type.contains("json") || type.contains("xml") || type.contains("javascript")
            let text = isText ? String(buffer: body) : "[\(body.readableBytes) bytes of \(type) not shown]"
            return "HTTP \(response.status.code) \(type)\n\n\(text)\(truncated ? "\n[truncated at \(limits.maxBytes) bytes]" : "")"
        }
        throw ToolFailure("more than \(limits.maxRedirects) redirects")
    }

    private func check(_ url: String) async throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else {
            throw ToolFailure("url must be an absolute http or https URL")
        }
        guard !limits.allowPrivateNetwork else { return }
        let addresses = try await Self.resolve(host: host, port: components.port ?? (scheme == "https" ? 443 : 80))
        guard !addresses.isEmpty else { throw ToolFailure("cannot resolve host \(host)") }
        if let blocked = addresses.first(where: Self.isPrivate) {
            throw ToolFailure("refusing to fetch \(host): it resolves to a private or local address (\(blocked)); tools.fetchUrl.allowPrivateNetwork enables this")
        }
    }

    static func resolve(host: String, port: Int) async throws -> [String] {
        let trimmed = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return try await NIOThreadPool.singleton.runIfActive {
            (try? SocketAddress.makeAddressResolvingHost(trimmed, port: port)).flatMap { $0.ipAddress }.map { [$0] } ?? []
        }
    }

    /// Exposed for tests of the address rules.
    public static func isPrivateForTesting(_ address: String) -> Bool { isPrivate(address) }

    /// Loopback, private (RFC 1918 / ULA), link-local, CGNAT and unspecified addresses.
    static func isPrivate(_ address: String) -> Bool {
        let lower = address.lowercased()
        if lower.contains(":") {
            if lower.hasPrefix("::ffff:") { return isPrivate(String(lower.dropFirst(7))) }
            return lower == "::1" || lower == "::" || lower.hasPrefix("fc") || lower.hasPrefix("fd") || lower.hasPrefix("fe8")
                || lower.hasPrefix("fe9") || lower.hasPrefix("fea") || lower.hasPrefix("feb")
        }
        let parts = lower.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 4 else { return true }
        switch (parts[0], parts[1]) {
        case (127, _), (10, _), (0, _), (169, 254), (192, 168): return true
        case (172, 16...31): return true
        case (100, 64...127): return true
        default: return false
        }
    }
}
