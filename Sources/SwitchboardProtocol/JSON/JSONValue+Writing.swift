public import Foundation

/// Compact JSON text of a ``JSONValue`` without going through `Encodable`: provider request
/// bodies are built as values and written on every turn, and `JSONEncoder` walking the value
/// through its containers cost more than the rest of building the request.
extension JSONValue {
    /// The value as compact JSON, object keys in sorted order as ``GatewayJSON/encoder`` writes
    /// them. A number that is not finite (JSON has none) is written as `null`.
    public var jsonData: Data {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out)
        return Data(out)
    }

    /// Appends the value as compact JSON.
    public func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: Self.nullBytes)
        case .bool(let value): out.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
        case .int(let value): out.append(contentsOf: String(value).utf8)
        case .double(let value):
            if value.isFinite { out.append(contentsOf: Self.number(value).utf8) } else { out.append(contentsOf: Self.nullBytes) }
        case .string(let value): JSONStringWriter.write(value, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (index, key) in object.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONStringWriter.write(key, to: &out)
                out.append(UInt8(ascii: ":"))
                object[key]!.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let nullBytes = Array("null".utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)

    /// Integral doubles without a fraction (as `JSONEncoder` writes them), others as Swift prints them.
    private static func number(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}
