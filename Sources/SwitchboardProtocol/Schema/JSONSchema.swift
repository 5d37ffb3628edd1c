/// A JSON Schema (draft-07 subset) value, declared next to each wire type.
///
/// Kept as a small value type rather than dictionary literals so a schema cannot silently
/// lose a duplicated key, and so the validator and the exporter share one representation.
public indirect enum JSONSchema: Sendable, Hashable {
    case any(description: String? = nil)
    case null
    case boolean(description: String? = nil)
    case integer(description: String? = nil, minimum: Int? = nil, maximum: Int? = nil)
    case number(description: String? = nil)
    case string(description: String? = nil, enumValues: [String]? = nil, minLength: Int? = nil, maxLength: Int? = nil)
    case array(items: JSONSchema, description: String? = nil, minItems: Int? = nil, maxItems: Int? = nil)
    case object(properties: [Property], additionalProperties: Additional = .forbidden, description: String? = nil)
    case oneOf([JSONSchema], description: String? = nil)
    case nullable(JSONSchema)
    case reference(String)

    public enum Additional: Sendable, Hashable {
        case forbidden
        case allowed
        case values(JSONSchema)
    }

    public struct Property: Sendable, Hashable {
        public var name: String
        public var schema: JSONSchema
        public var required: Bool

        public init(_ name: String, _ schema: JSONSchema, required: Bool = false) {
            self.name = name
            self.schema = schema
            self.required = required
        }
    }

    /// A closed object; the common case for params.
    public static func object(_ properties: Property..., description: String? = nil) -> JSONSchema {
        .object(properties: properties, additionalProperties: .forbidden, description: description)
    }

    /// An object that tolerates fields we do not model (results and events may grow).
    public static func openObject(_ properties: Property..., description: String? = nil) -> JSONSchema {
        .object(properties: properties, additionalProperties: .allowed, description: description)
    }

    public static func map(_ values: JSONSchema, description: String? = nil) -> JSONSchema {
        .object(properties: [], additionalProperties: .values(values), description: description)
    }

    public static let emptyObject: JSONSchema = .object(properties: [], additionalProperties: .forbidden)
}

extension JSONSchema {
    /// The draft-07 JSON form of this schema.
    public var jsonValue: JSONValue {
        func with(_ base: [String: JSONValue], _ description: String?) -> JSONValue {
            var object = base
            if let description { object["description"] = .string(description) }
            return .object(object)
        }
        switch self {
        case .any(let description):
            return with([:], description)
        case .null:
            return ["type": "null"]
        case .boolean(let description):
            return with(["type": "boolean"], description)
        case .integer(let description, let minimum, let maximum):
            var object: [String: JSONValue] = ["type": "integer"]
            if let minimum { object["minimum"] = .int(minimum) }
            if let maximum { object["maximum"] = .int(maximum) }
            return with(object, description)
        case .number(let description):
            return with(["type": "number"], description)
        case .string(let description, let enumValues, let minLength, let maxLength):
            var object: [String: JSONValue] = ["type": "string"]
            if let enumValues { object["enum"] = .array(enumValues.map { .string($0) }) }
            if let minLength { object["minLength"] = .int(minLength) }
            if let maxLength { object["maxLength"] = .int(maxLength) }
            return with(object, description)
        case .array(let items, let description, let minItems, let maxItems):
            var object: [String: JSONValue] = ["type": "array", "items": items.jsonValue]
            if let minItems { object["minItems"] = .int(minItems) }
            if let maxItems { object["maxItems"] = .int(maxItems) }
            return with(object, description)
        case .object(let properties, let additional, let description):
            var object: [String: JSONValue] = ["type": "object"]
            var props: [String: JSONValue] = [:]
            for property in properties { props[property.name] = property.schema.jsonValue }
            object["properties"] = .object(props)
            let required = properties.filter(\.required).map { JSONValue.string($0.name) }
            if !required.isEmpty { object["required"] = .array(required) }
            switch additional {
            case .forbidden: object["additionalProperties"] = false
            case .allowed: break
            case .values(let schema): object["additionalProperties"] = schema.jsonValue
            }
            return with(object, description)
        case .oneOf(let schemas, let description):
            return with(["oneOf": .array(schemas.map(\.jsonValue))], description)
        case .nullable(let schema):
            return ["oneOf": [schema.jsonValue, ["type": "null"]]]
        case .reference(let name):
            return ["$ref": .string("#/definitions/\(name)")]
        }
    }
}
