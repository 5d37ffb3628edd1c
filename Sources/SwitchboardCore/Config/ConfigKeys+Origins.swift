import Foundation
import SwitchboardProtocol

/// Key builders for browser origins and URLs, checked with the parser the gateway enforces
/// them with, so a typo is refused at load time rather than silently matching nothing.
extension ConfigKeys {
    static func originList(_ path: String, _ keyPath: any WritableKeyPath<GatewayConfiguration, [String]> & Sendable, help: String) -> ConfigKey {
        ConfigKey(
            path: path, environment: nil, help: help, isSecret: false,
            apply: { config, value in
                guard case .array(let items) = value else { return "\(path): expected an array of origins like \"https://ui.example.com\", got \(describe(value))" }
                var origins: [String] = []
                for (index, item) in items.enumerated() {
                    guard let string = item.stringValue, string == "*" || BrowserOriginPolicy.parseOrigin(string) != nil else {
                        return "\(path)[\(index)]: expected \"*\" or an origin scheme://host[:port] (http or https, no path), got \(describe(item))"
                    }
                    origins.append(string)
                }
                config[keyPath: keyPath] = origins
                return nil
            },
            current: { .array($0[keyPath: keyPath].map { .string($0) }) },
            schema: ["type": "array", "items": ["type": "string"]]
        )
    }

    static func url(_ path: String, _ keyPath: any WritableKeyPath<GatewayConfiguration, String?> & Sendable, help: String) -> ConfigKey {
        ConfigKey(
            path: path, environment: nil, help: help, isSecret: false,
            apply: { config, value in
                if case .null = value {
                    config[keyPath: keyPath] = nil
                    return nil
                }
                guard let string = value.stringValue, let origin = BrowserOriginPolicy.parseOrigin(Self.originPart(of: string)) else {
                    return "\(path): expected an http(s) URL like \"https://gateway.example.com\", got \(describe(value))"
                }
                _ = origin
                config[keyPath: keyPath] = string
                return nil
            },
            current: { config in config[keyPath: keyPath].map { .string($0) } ?? .null },
            schema: ["type": ["string", "null"]]
        )
    }

    /// `gateway.bind`: checked here as the listener would take it, so `config check` refuses
    /// what start-up would (a name like `tailnet` once passed the check, then the gateway
    /// exited and its unit restart-looped).
    static func bindAddress(_ path: String, _ keyPath: any WritableKeyPath<GatewayConfiguration, String> & Sendable, env: String?, help: String) -> ConfigKey {
        ConfigKey(
            path: path, environment: env, help: help, isSecret: false,
            apply: { config, value in
                guard let string = value.stringValue, GatewayConfiguration.isValidBind(string) else {
                    return "\(path): expected loopback, localhost, lan or an IP address of this machine (like 127.0.0.1 or ::1), got \(describe(value))"
                }
                config[keyPath: keyPath] = string
                return nil
            },
            current: { .string($0[keyPath: keyPath]) },
            schema: ["type": "string", "minLength": 1]
        )
    }

    /// `https://host:port/some/path` → `https://host:port`.
    static func originPart(of url: String) -> String {
        guard let separator = url.range(of: "://") else { return url }
        let rest = url[separator.upperBound...]
        let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        return String(url[..<end])
    }
}
