
extension DecodingError {
    /// A one-line explanation naming the offending field, e.g. `params.limit: expected integer`.
    ///
    /// Clients see this text, so it describes the JSON, never Swift types.
    public func fieldDescription(root: String) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.reduce(root) { partial, key in
                if let index = key.intValue { return "\(partial)[\(index)]" }
                return partial.isEmpty ? key.stringValue : "\(partial).\(key.stringValue)"
            }
        }
        switch self {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required field missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(Self.jsonName(of: type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(Self.jsonName(of: type)), got null"
        case .dataCorrupted(let context):
            let location = path(context.codingPath)
            return location.isEmpty ? "malformed JSON" : "\(location): \(context.debugDescription)"
        @unknown default:
            return "\(root): invalid value"
        }
    }

    private static func jsonName(of type: Any.Type) -> String {
        switch type {
        case is String.Type: return "string"
        case is Bool.Type: return "boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type: return "integer"
        case is Double.Type, is Float.Type: return "number"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "array" }
            if name.hasPrefix("Dictionary") { return "object" }
            return "object"
        }
    }
}
