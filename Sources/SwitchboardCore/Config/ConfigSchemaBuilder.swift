import SwitchboardProtocol

/// `config.schema`: the config file's JSON Schema and UI hints, built from ``ConfigKeys`` so
/// they cannot drift from what the loader accepts. The UI hints carry only OpenClaw's fields
/// (its `ConfigSchemaResponse` is closed); how a key reloads and its environment variable are
/// schema annotations on the key (`x-reload`: `hot` or `restart`, `x-env`).
enum ConfigSchemaBuilder {
    static func schema() -> JSONValue {
        var root = Node()
        for key in ConfigKeys.all {
            var leaf = key.schema.objectValue ?? [:]
            leaf["description"] = .string(key.help)
            leaf["x-reload"] = .string(key.reload.rawValue)
            if let variable = key.environment { leaf["x-env"] = .string(variable) }
            root.insert(path: key.path.split(separator: ".").map(String.init), leaf: .object(leaf))
        }
        var schema = root.json().objectValue ?? [:]
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = "Switchboard gateway configuration"
        return .object(schema)
    }

    static func uiHints() -> JSONValue {
        var hints: [String: JSONValue] = [:]
        for key in ConfigKeys.all {
            var hint: [String: JSONValue] = [
                "label": .string(key.path.split(separator: ".").last.map(String.init) ?? key.path), "help": .string(key.help),
                "group": .string(key.path.split(separator: ".").first.map(String.init) ?? ""),
            ]
            if key.isSecret { hint["sensitive"] = true }
            hints[key.path] = .object(hint)
        }
        return .object(hints)
    }

    /// An object level of the schema being assembled.
    private struct Node {
        var children: [String: Node] = [:]
        var leaf: JSONValue?

        mutating func insert(path: [String], leaf value: JSONValue) {
            guard let head = path.first else {
                leaf = value
                return
            }
            children[head, default: Node()].insert(path: Array(path.dropFirst()), leaf: value)
        }

        func json() -> JSONValue {
            if let leaf, children.isEmpty { return leaf }
            return ["type": "object", "additionalProperties": false, "properties": .object(children.mapValues { $0.json() })]
        }
    }
}
