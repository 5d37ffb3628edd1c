import Foundation
import SwitchboardProtocol

/// Writes a gateway → adapter frame (`type` plus `fields`, keys sorted) without
/// `JSONSerialization`, which cost more than the rest of a streamed chunk's path. Values are
/// what the adapter frames hold: strings, booleans, integers, doubles, arrays, string-keyed
/// dictionaries and `NSNull`; anything else is written as its description, a string.
enum ClaraFrameWriter {
    static func frame(_ type: String, _ fields: [String: Any]) -> [UInt8] {
        var object = fields
        object["type"] = type
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(object, to: &out)
        return out
    }

    static func write(_ value: Any, to out: inout [UInt8]) {
        switch value {
        case let string as String: JSONStringWriter.write(string, to: &out)
        case let bool as Bool: out.append(contentsOf: bool ? Array("true".utf8) : Array("false".utf8))
        case let int as Int: out.append(contentsOf: String(int).utf8)
        case let int as Int64: out.append(contentsOf: String(int).utf8)
        case let double as Double:
            if double.isFinite, double == double.rounded(), abs(double) < 1e15 {
                out.append(contentsOf: String(Int64(double)).utf8)
            } else if double.isFinite {
                out.append(contentsOf: "\(double)".utf8)
            } else {
                out.append(contentsOf: "null".utf8)
            }
        case let array as [Any]:
            out.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let object as [String: Any]:
            out.append(UInt8(ascii: "{"))
            for (index, key) in object.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONStringWriter.write(key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(object[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case is NSNull: out.append(contentsOf: "null".utf8)
        default:
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                if let wrapped = mirror.children.first?.value { write(wrapped, to: &out) } else { out.append(contentsOf: "null".utf8) }
            } else {
                JSONStringWriter.write(String(describing: value), to: &out)
            }
        }
    }
}
