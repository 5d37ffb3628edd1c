import Foundation

/// A wire type that can describe its JSON form; the exporter and the schema tests use it.
public protocol JSONSchemaDescribable {
    static var jsonSchema: JSONSchema { get }
}

extension String: JSONSchemaDescribable {
    public static var jsonSchema: JSONSchema { .string() }
}

extension Int: JSONSchemaDescribable {
    public static var jsonSchema: JSONSchema { .integer() }
}

extension Double: JSONSchemaDescribable {
    public static var jsonSchema: JSONSchema { .number() }
}

extension Bool: JSONSchemaDescribable {
    public static var jsonSchema: JSONSchema { .boolean() }
}

extension JSONValue: JSONSchemaDescribable {
    public static var jsonSchema: JSONSchema { .any() }
}

extension Array: JSONSchemaDescribable where Element: JSONSchemaDescribable {
    public static var jsonSchema: JSONSchema { .array(items: Element.jsonSchema) }
}

extension Optional: JSONSchemaDescribable where Wrapped: JSONSchemaDescribable {
    public static var jsonSchema: JSONSchema { .nullable(Wrapped.jsonSchema) }
}

extension Dictionary: JSONSchemaDescribable where Key == String, Value: JSONSchemaDescribable {
    public static var jsonSchema: JSONSchema { .map(Value.jsonSchema) }
}

/// Params of methods that take none; encodes as `{}` and accepts a missing `params`.
public struct EmptyParams: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public init() {}
    public static var jsonSchema: JSONSchema { .openObject() }
}

/// The `{ok: true}` acknowledgement many methods return.
public struct OKResult: Codable, Sendable, Hashable, JSONSchemaDescribable {
    public var ok: Bool
    public init(ok: Bool = true) { self.ok = ok }
    public static var jsonSchema: JSONSchema { .openObject(.init("ok", .boolean(), required: true)) }
}
