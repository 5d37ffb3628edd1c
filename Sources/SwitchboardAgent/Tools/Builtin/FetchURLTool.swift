public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
public import SwitchboardProtocol

/// `fetch_url`: GET a web page or API over http(s), with a byte cap and a time limit.
///
/// By default it refuses loopback, private, link-local and translated addresses on every
/// redirect hop, so the model cannot be talked into reading the gateway or the LAN: a host
/// is resolved once, refused if any of its addresses is private, and the connection goes to
/// the address that was checked (Host and TLS SNI keep the name), so DNS rebinding between
/// the check and the connect has nothing to work with.
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
    let network: Network

    /// - Parameter client: should not follow redirects itself (see ``makeClient()``).
    public init(client: HTTPClient, limits: Limits, network: Network = .system) {
        self.client = client
        self.limits = limits
        self.network = network
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
            // Resolve once, check every address, then connect to the checked one: a second
            // lookup at connect time could be answered differently (DNS rebinding).
            let pin = try await check(url)
            let hopClient = pin.map { Self.makeClient(pinning: $0.host, to: $0.address) } ?? client
            let outcome: Hop
            do {
                outcome = try await fetchOnce(url, client: hopClient, deadline: deadline)
            } catch {
                if hopClient !== client { try? await hopClient.shutdown() }
                throw error
            }
            if hopClient !== client { try? await hopClient.shutdown() }
            switch outcome {
            case .redirect(let next): url = next
            case .done(let text): return text
            }
        }
        throw ToolFailure("more than \(limits.maxRedirects) redirects")
    }

    enum Hop {
        case redirect(String)
        case done(String)
    }

    private func fetchOnce(_ url: String, client: HTTPClient, deadline: ContinuousClock.Instant) async throws -> Hop {
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
            return .redirect(next)
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
        return .done("HTTP \(response.status.code) \(type)\n\n\(text)\(truncated ? "\n[truncated at \(limits.maxBytes) bytes]" : "")")
    }

    /// Checks `url`; returns the address to connect to when a host name was resolved (nil:
    /// connect as usual, for an IP literal or with `allowPrivateNetwork`).
    private func check(_ url: String) async throws -> (host: String, address: String)? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else {
            throw ToolFailure("url must be an absolute http or https URL")
        }
        guard !limits.allowPrivateNetwork else { return nil }
        let addresses = try await network.resolve(host, components.port ?? (scheme == "https" ? 443 : 80))
        guard let first = addresses.first else { throw ToolFailure("cannot resolve host \(host)") }
        if let blocked = addresses.first(where: network.isBlocked) {
            throw ToolFailure("refusing to fetch \(host): it resolves to a private or local address (\(blocked)); tools.fetchUrl.allowPrivateNetwork enables this")
        }
        return network.isIPLiteral(host) ? nil : (host, first)
    }

    /// A one-hop client that connects `host` to `address` (Host header and TLS SNI stay `host`).
    static func makeClient(pinning host: String, to address: String) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(15))
        configuration.dnsOverride = [host: address]
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// How names are resolved and which addresses are refused; tests replace both.
    public struct Network: Sendable {
        public var resolve: @Sendable (String, Int) async throws -> [String]
        public var isBlocked: @Sendable (String) -> Bool

        public init(resolve: @escaping @Sendable (String, Int) async throws -> [String], isBlocked: @escaping @Sendable (String) -> Bool) {
            self.resolve = resolve
            self.isBlocked = isBlocked
        }

        public static let system = Network(resolve: FetchAddressPolicy.resolveAll, isBlocked: FetchAddressPolicy.isBlocked)

        func isIPLiteral(_ host: String) -> Bool {
            var trimmed = host
            if trimmed.hasPrefix("[") && trimmed.hasSuffix("]") { trimmed = String(trimmed.dropFirst().dropLast()) }
            var v4 = in_addr()
            var v6 = in6_addr()
            return inet_pton(AF_INET, trimmed, &v4) == 1 || inet_pton(AF_INET6, trimmed, &v6) == 1
        }
    }

    /// Exposed for tests of the address rules.
    public static func isPrivateForTesting(_ address: String) -> Bool { FetchAddressPolicy.isBlocked(address) }
}
