public import SwitchboardProtocol

/// Replaces secret values before config leaves the process (`config.get`, logs, doctor).
public enum ConfigRedaction {
    public static let placeholder = "__REDACTED__"
    /// Fields redacted wherever they appear inside object-valued keys (`models.providers.*.apiKey`…).
    static let secretFieldNames: Set = ["apiKey", "token", "password", "secret", "botToken"]

    /// The file's JSON with every secret key's value replaced.
    public static func redact(_ value: JSONValue, prefix: String = "") -> JSONValue {
        guard case .object(let object) = value else { return value }
        var result: [String: JSONValue] = [:]
        for (name, child) in object {
            let path = prefix.isEmpty ? name : "\(prefix).\(name)"
            if let key = ConfigKeys.key(path), key.isSecret, child != .null {
                result[name] = .string(placeholder)
            } else if secretFieldNames.contains(name), child != .null {
                result[name] = .string(placeholder)
            } else if name == "env" || name == "headers", case .object(let values) = child {
                result[name] = .object(values.mapValues { _ in .string(placeholder) })
            } else {
                result[name] = redact(child, prefix: path)
            }
        }
        return .object(result)
    }

    /// The effective configuration as nested JSON, secrets redacted.
    public static func effective(_ configuration: GatewayConfiguration) -> JSONValue {
        var root: JSONValue = .object([:])
        for key in ConfigKeys.all {
            var value = key.current(configuration)
            if key.isSecret, value != .null { value = .string(placeholder) }
            root = setting(root, path: key.path.split(separator: ".").map(String.init), value: value)
        }
        return root
    }

    private static func setting(_ node: JSONValue, path: [String], value: JSONValue) -> JSONValue {
        guard let head = path.first else { return value }
        var object = node.objectValue ?? [:]
        object[head] = setting(object[head] ?? .object([:]), path: Array(path.dropFirst()), value: value)
        return .object(object)
    }
}
