import Yams

/// Why an automation file (`scheduler.yaml`, `hooks.yaml`) was refused: the file, the place in
/// it (`tasks[2].cron`) and what was expected.
public struct AutomationFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var path: String
    public var reason: String

    public var description: String { path.isEmpty ? "\(file): \(reason)" : "\(file): \(path) \(reason)" }

    public init(file: String, path: String, reason: String) {
        self.file = file
        self.path = path
        self.reason = reason
    }
}

/// Typed reads of one YAML mapping, each failure naming the field and what was expected.
struct YAMLFields {
    let file: String
    let path: String
    let node: Node

    /// The entries of the top-level `listKey:` list; none for an empty file or an empty list.
    static func document(_ text: String, file: String, listKey: String) throws(AutomationFileError) -> [Node] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw AutomationFileError(file: file, path: "", reason: "not valid YAML: \(error)")
        }
        guard let root, root.null == nil else { return [] }
        guard let mapping = root.mapping else { throw AutomationFileError(file: file, path: "", reason: "expected a mapping with a `\(listKey)` list") }
        guard let list = mapping[listKey], list.null == nil else { return [] }
        guard let entries = list.sequence else { throw AutomationFileError(file: file, path: listKey, reason: "expected a list") }
        return Array(entries)
    }

    func error(_ field: String, _ reason: String) -> AutomationFileError {
        AutomationFileError(file: file, path: field.isEmpty ? path : "\(path).\(field)", reason: reason)
    }

    /// Fails unless the node is a mapping whose keys are all in `known`.
    func requireMapping(known: Set<String>) throws(AutomationFileError) {
        guard let mapping = node.mapping else { throw error("", "expected a mapping of fields") }
        for key in mapping.keys {
            guard let name = key.string, known.contains(name) else {
                throw error(key.string ?? "?", "is not a known field; expected one of \(known.sorted().joined(separator: ", "))")
            }
        }
    }

    private func value(_ field: String) -> Node? {
        guard let value = node.mapping?[field], value.null == nil else { return nil }
        return value
    }

    func string(_ field: String) throws(AutomationFileError) -> String? {
        guard let value = value(field) else { return nil }
        guard let scalar = value.scalar else { throw error(field, "expected text") }
        return scalar.string
    }

    func requiredString(_ field: String) throws(AutomationFileError) -> String {
        guard let text = try string(field), !text.isEmpty else { throw error(field, "is required") }
        return text
    }

    func number(_ field: String) throws(AutomationFileError) -> Double? {
        guard let value = value(field) else { return nil }
        guard value.scalar != nil, let number = value.float ?? value.int.map(Double.init), number.isFinite else {
            throw error(field, "expected a number of seconds, got \"\(value.string ?? "?")\"")
        }
        return number
    }

    func int(_ field: String) throws(AutomationFileError) -> Int? {
        guard let value = value(field) else { return nil }
        guard let number = value.int else { throw error(field, "expected a whole number, got \"\(value.string ?? "?")\"") }
        return number
    }

    func bool(_ field: String) throws(AutomationFileError) -> Bool? {
        guard let value = value(field) else { return nil }
        guard let flag = value.bool else { throw error(field, "expected true or false, got \"\(value.string ?? "?")\"") }
        return flag
    }
}
