import Foundation
/// Who may reach the gateway from a web browser. A browser tells us two things it cannot be
/// made to lie about by a page: the `Origin` of the page that opened the request, and the
/// `Host` it resolved. A page on another site (cross-site WebSocket hijacking) shows its own
/// origin; a DNS-rebinding page shows a foreign `Host`. Non-browser clients (the CLI, apps,
/// adapters) send no `Origin` and are judged by their credentials alone.
struct BrowserOriginPolicy: Sendable, Hashable {
    enum Verdict: Sendable, Equatable {
        case allowed
        case refused(reason: String)
    }

    /// The port the gateway listens on (the bound one, with port 0).
    var port: Int
    /// True when the gateway binds to loopback only: then `Host` must be a loopback name.
    var loopbackBind: Bool
    /// `gateway.controlUi.allowedOrigins`, normalised (`scheme://host:port`); `*` allows any.
    var allowedOrigins: Set<String>
    /// `gateway.publicUrl`'s origin, when set (the address a reverse proxy serves us at).
    var publicOrigin: String?

    init(port: Int, loopbackBind: Bool, allowedOrigins: [String], publicUrl: String?) {
        self.port = port
        self.loopbackBind = loopbackBind
        self.allowedOrigins = Set(allowedOrigins.map { $0 == "*" ? "*" : (Self.parseOrigin($0)?.normalized ?? $0.lowercased()) })
        self.publicOrigin = publicUrl.flatMap { Self.parseOrigin(ConfigKeys.originPart(of: $0))?.normalized }
    }

    /// `Host` of an HTTP request or WebSocket upgrade. Absent is allowed (HTTP/1.0 tools);
    /// on a loopback bind anything but a loopback name or address is DNS rebinding.
    func checkHost(_ host: String?) -> Verdict {
        guard loopbackBind, let host else { return .allowed }
        guard let authority = Self.parseAuthority(host) else { return .refused(reason: "host header is not a host name") }
        if Self.isLoopbackName(authority.host) { return .allowed }
        return .refused(reason: "host \"\(Self.clip(host))\" is not a loopback name; the gateway listens on loopback only")
    }

    /// The `Origin` header when it is a web page's: absent, or a `ws://`/`wss://` origin that
    /// WebSocket client libraries (not browsers) derive from the URL they dial, means a
    /// non-browser client. A browser only ever sends a page's origin (http, https, an
    /// extension's scheme) or `null`, and a page cannot set the header itself.
    static func browserOrigin(_ header: String?) -> String? {
        guard let header else { return nil }
        let lowered = header.trimmingSpaces.lowercased()
        if lowered.hasPrefix("ws://") || lowered.hasPrefix("wss://") { return nil }
        return header
    }

    /// The Origin to judge among all `Origin` header lines: the first that is a page's. A
    /// request carrying a page origin anywhere is judged as a browser's.
    static func browserOrigin(among headers: [String]) -> String? {
        headers.lazy.compactMap { browserOrigin($0) }.first
    }

    /// `Origin` of an HTTP request or WebSocket upgrade. Absent means not a browser.
    func checkOrigin(_ header: String?, host: String?) -> Verdict {
        guard let origin = Self.browserOrigin(header) else { return .allowed }
        guard let parsed = Self.parseOrigin(origin) else {
            return .refused(reason: origin.trimmingSpaces == "null" ? "opaque origin \"null\"" : "origin \"\(Self.clip(origin))\" is not scheme://host[:port]")
        }
        if allowedOrigins.contains("*") || allowedOrigins.contains(parsed.normalized) || parsed.normalized == publicOrigin { return .allowed }
        // Our own pages: a loopback name with our port (the WebChat page, a local Control UI).
        if parsed.port == port && Self.isLoopbackName(parsed.host) { return .allowed }
        // A page loaded from this gateway by IP literal on a LAN bind (no DNS name, so no rebinding).
        if !loopbackBind, parsed.port == port, Self.isIPLiteral(parsed.host), let host, let authority = Self.parseAuthority(host),
            authority.host == parsed.host, (authority.port ?? parsed.defaultPort) == parsed.port
        {
            return .allowed
        }
        return .refused(reason: "origin \"\(parsed.normalized)\" is not this gateway's and not in gateway.controlUi.allowedOrigins")
    }

    /// Both checks, Host first.
    func check(origin: String?, host: String?) -> (verdict: Verdict, hostRefused: Bool) {
        if case .refused(let reason) = checkHost(host) { return (.refused(reason: reason), true) }
        return (checkOrigin(origin, host: host), false)
    }

    // MARK: parsing

    struct Origin: Hashable {
        var scheme: String
        var host: String
        var port: Int
        var defaultPort: Int { scheme == "https" ? 443 : 80 }
        var normalized: String {
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "\(scheme)://\(shownHost):\(port)"
        }
    }

    /// `scheme://host[:port]` with an http(s) scheme and nothing after the authority but `/`.
    static func parseOrigin(_ raw: String) -> Origin? {
        let text = raw.trimmingSpaces.lowercased()
        guard let separator = text.range(of: "://") else { return nil }
        let scheme = String(text[..<separator.lowerBound])
        guard scheme == "http" || scheme == "https" else { return nil }
        var rest = String(text[separator.upperBound...])
        if rest.hasSuffix("/") { rest.removeLast() }
        guard !rest.contains("/"), !rest.contains("@"), !rest.contains("?"), !rest.contains("#"), let authority = parseAuthority(rest) else { return nil }
        return Origin(scheme: scheme, host: authority.host, port: authority.port ?? (scheme == "https" ? 443 : 80))
    }

    /// `host`, `host:port`, `[v6]` or `[v6]:port`; the host lowercased without brackets or a trailing dot.
    static func parseAuthority(_ raw: String) -> (host: String, port: Int?)? {
        let text = raw.trimmingSpaces.lowercased()
        guard !text.isEmpty, text.count <= 300 else { return nil }
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { return nil }
                portText = after.dropFirst()
            }
        } else {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return nil }
            host = parts[0]
            portText = parts.count == 2 ? parts[1] : nil
        }
        if host.hasSuffix(".") { host = host.dropLast() }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:_".contains($0)) }) else { return nil }
        var port: Int?
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { return nil }
            port = value
        }
        return (String(host), port)
    }

    /// `localhost`, `*.localhost`, 127.0.0.0/8, `::1` and their IPv4-mapped forms.
    static func isLoopbackName(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let v4 = host.hasPrefix("::ffff:") ? String(host.dropFirst(7)) : host
        let octets = v4.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    static func isIPLiteral(_ host: String) -> Bool {
        if host.contains(":") { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { UInt8($0) != nil }
    }

    static func clip(_ text: String) -> String { String(text.prefix(80)) }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while scalars.first?.isWhitespace == true { scalars.removeFirst() }
        while scalars.last?.isWhitespace == true { scalars.removeLast() }
        return String(scalars)
    }
}
