/// Checks a JSON value against a ``JSONSchema``; the tests use it to prove that what our
/// Codable types emit matches the schema we publish.
public struct JSONSchemaValidator: Sendable {
    public var definitions: [String: JSONSchema]

    public init(definitions: [String: JSONSchema] = [:]) {
        self.definitions = definitions
    }

    /// Returns one message per violation, each naming the path; empty when valid.
    public func violations(of value: JSONValue, against schema: JSONSchema, at path: String = "$") -> [String] {
        switch (schema, value) {
        case (.any, _):
            return []
        case (.null, .null), (.boolean, .bool), (.number, .int), (.number, .double):
            return []
        case (.integer(_, let minimum, let maximum), _):
            guard let int = value.intValue else { return ["\(path): expected integer, got \(value.typeName)"] }
            if let minimum, int < minimum { return ["\(path): \(int) is below the minimum \(minimum)"] }
            if let maximum, int > maximum { return ["\(path): \(int) is above the maximum \(maximum)"] }
            return []
        case (.string(_, let enumValues, let minLength, let maxLength), .string(let string)):
            if let enumValues, !enumValues.contains(string) {
                return ["\(path): \"\(string)\" is not one of \(enumValues.joined(separator: ", "))"]
            }
            if let minLength, string.count < minLength { return ["\(path): shorter than \(minLength)"] }
            if let maxLength, string.count > maxLength { return ["\(path): longer than \(maxLength)"] }
            return []
        case (.array(let items, _, let minItems, let maxItems), .array(let array)):
            if let minItems, array.count < minItems { return ["\(path): fewer than \(minItems) items"] }
            if let maxItems, array.count > maxItems { return ["\(path): more than \(maxItems) items"] }
            return array.enumerated().flatMap { index, element in
                violations(of: element, against: items, at: "\(path)[\(index)]")
            }
        case (.object(let properties, let additional, _), .object(let object)):
            var problems: [String] = []
            let known = Dictionary(properties.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            for property in properties where property.required && object[property.name] == nil {
                problems.append("\(path).\(property.name): required field missing")
            }
            for (key, element) in object.sorted(by: { $0.key < $1.key }) {
                if let property = known[key] {
                    problems += violations(of: element, against: property.schema, at: "\(path).\(key)")
                } else {
                    switch additional {
                    case .forbidden: problems.append("\(path).\(key): unexpected field")
                    case .allowed: break
                    case .values(let schema): problems += violations(of: element, against: schema, at: "\(path).\(key)")
                    }
                }
            }
            return problems
        case (.oneOf(let schemas, _), _):
            if schemas.contains(where: { violations(of: value, against: $0, at: path).isEmpty }) { return [] }
            return ["\(path): matches none of the \(schemas.count) allowed shapes"]
        case (.nullable(let inner), _):
            if case .null = value { return [] }
            return violations(of: value, against: inner, at: path)
        case (.reference(let name), _):
            guard let target = definitions[name] else { return ["\(path): unknown schema reference \(name)"] }
            return violations(of: value, against: target, at: path)
        default:
            return ["\(path): expected \(schema.typeName), got \(value.typeName)"]
        }
    }
}

extension JSONSchema {
    var typeName: String {
        switch self {
        case .any: "any value"
        case .null: "null"
        case .boolean: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        case .oneOf: "one of several shapes"
        case .nullable(let inner): "\(inner.typeName) or null"
        case .reference(let name): name
        }
    }
}
