import Foundation
public import SwitchboardProtocol

/// Replaces secret values before config leaves the process (`config.get`, config-write
/// results, logs, doctor). It descends into objects and arrays alike, so a secret inside
/// `agents.list[]` is found as surely as one at the top.
public enum ConfigRedaction {
    public static let placeholder = "__REDACTED__"
    /// Fields redacted wherever they appear (`models.providers.*.apiKey`, `agents.list[].runner.token`…).
    static let secretFieldNames: Set = ["apiKey", "token", "password", "secret", "botToken", "accessToken", "refreshToken", "clientSecret", "authorization"]
    /// Objects whose every value is redacted (environment variables and HTTP headers carry keys).
    static let secretMapNames: Set = ["env", "headers"]

    /// The file's JSON with every secret value replaced.
    public static func redact(_ value: JSONValue, prefix: String = "") -> JSONValue {
        switch value {
        case .object(let object):
            var result: [String: JSONValue] = [:]
            for (name, child) in object {
                let path = prefix.isEmpty ? name : "\(prefix).\(name)"
                if child == .null {
                    result[name] = child
                } else if let key = ConfigKeys.key(path), key.isSecret {
                    result[name] = .string(placeholder)
                } else if secretFieldNames.contains(name) && !isContainer(child) || isSecretName(name) && child.stringValue != nil {
                    result[name] = .string(placeholder)
                } else if secretMapNames.contains(name), case .object(let values) = child {
                    result[name] = .object(values.mapValues { _ in .string(placeholder) })
                } else {
                    result[name] = redact(child, prefix: path)
                }
            }
            return .object(result)
        case .array(let items):
            return .array(redactArray(items, prefix: prefix))
        case .string(let string):
            return .string(redactString(string))
        default:
            return value
        }
    }

    /// Array items; in an argument list a value after a secret-named flag is redacted too
    /// (`["--api-key", "sk-…"]`).
    static func redactArray(_ items: [JSONValue], prefix: String) -> [JSONValue] {
        var result: [JSONValue] = []
        result.reserveCapacity(items.count)
        var previousWasSecretFlag = false
        for item in items {
            if previousWasSecretFlag, case .string = item {
                result.append(.string(placeholder))
                previousWasSecretFlag = false
                continue
            }
            if case .string(let string) = item, string.hasPrefix("-"), !string.contains("=") {
                previousWasSecretFlag = isSecretName(string)
            } else {
                previousWasSecretFlag = false
            }
            result.append(redact(item, prefix: "\(prefix)[]"))
        }
        return result
    }

    /// Secrets inside one string: URL userinfo (`https://user:pass@host`) and `--flag=value` or
    /// `NAME=value` where the name says it is a secret.
    static func redactString(_ string: String) -> String {
        var string = string
        if let scheme = string.range(of: "://") {
            let rest = string[scheme.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@") {
                string.replaceSubrange(scheme.upperBound..<at, with: placeholder)
            }
        }
        if let equals = string.firstIndex(of: "="), !string.contains("://") || string.hasPrefix("-") {
            let name = string[..<equals]
            if !name.isEmpty, name.count <= 64, !name.contains(" "), isSecretName(String(name)) {
                string = String(name) + "=" + placeholder
            }
        }
        return string
    }

    /// A key, flag or variable name that says it holds a secret (`--api-key`, `OPENAI_API_KEY`, `authToken`).
    static func isSecretName(_ name: String) -> Bool {
        let folded = name.lowercased().filter { $0.isLetter || $0.isNumber }
        if folded.isEmpty { return false }
        let markers = ["apikey", "token", "secret", "password", "passwd", "credential", "privatekey", "authorization", "bearer", "accesskey"]
        return markers.contains { folded.contains($0) }
    }

    static func isContainer(_ value: JSONValue) -> Bool {
        switch value {
        case .object, .array: true
        default: false
        }
    }

    /// Whether `edited` (a string a client sent back) is what `original` looked like after
    /// redaction, so the original can be restored.
    public static func isRedactedForm(_ edited: String, of original: String) -> Bool {
        edited.contains(placeholder) && (redactString(original) == edited)
    }

    /// The effective configuration as nested JSON, secrets redacted.
    public static func effective(_ configuration: GatewayConfiguration) -> JSONValue {
        var root: JSONValue = .object([:])
        for key in ConfigKeys.all {
            var value = key.current(configuration)
            if key.isSecret, value != .null { value = .string(placeholder) } else { value = redact(value, prefix: key.path) }
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
