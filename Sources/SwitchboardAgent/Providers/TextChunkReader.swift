import Foundation
import SwitchboardProtocol

/// Reads the usual streamed Chat Completions chunk — text deltas, a finish reason, usage — in
/// one pass over its bytes, without Foundation's decoder (ten or more chunks a turn; decoding
/// them was a visible share of a turn's cost).
///
/// Anything else returns nil and the chunk goes through `JSONDecoder` into
/// ``OpenAICompatibleProvider/Chunk`` as before: tool-call deltas, an `error` member, a field
/// of an unexpected type, a repeated member, a number that is not a plain integer, text that
/// is not JSON. So this never accepts what the decoder would refuse, and never reads a chunk
/// differently (tested against the decoder).
enum TextChunkReader {
    static func read(_ text: Substring) -> OpenAICompatibleProvider.Chunk? {
        var text = text
        return text.withUTF8 { bytes in try? read(UnsafeRawBufferPointer(bytes)) } ?? nil
    }

    private static func read(_ bytes: UnsafeRawBufferPointer) throws -> OpenAICompatibleProvider.Chunk? {
        var scanner = JSONScanner(bytes)
        var chunk = OpenAICompatibleProvider.Chunk()
        let read = try members(&scanner) { key, scanner in
            switch key {
            case "choices":
                if try skipNull(&scanner) { return true }
                var choices: [OpenAICompatibleProvider.Choice] = []
                try scanner.expect(UInt8(ascii: "["), "an array")
                if !scanner.consume(UInt8(ascii: "]")) {
                    repeat {
                        guard let choice = try readChoice(&scanner) else { return false }
                        choices.append(choice)
                    } while scanner.consume(UInt8(ascii: ","))
                    try scanner.expect(UInt8(ascii: "]"), "the end of the array")
                }
                chunk.choices = choices
            case "usage":
                if try skipNull(&scanner) { return true }
                guard let usage = try readUsage(&scanner) else { return false }
                chunk.usage = usage
            case "error":
                return false
            default:
                try scanner.skipValue()
            }
            return true
        }
        guard read, scanner.peekSignificant() == nil else { return nil }
        return chunk
    }

    private static func readChoice(_ scanner: inout JSONScanner) throws -> OpenAICompatibleProvider.Choice? {
        var choice = OpenAICompatibleProvider.Choice()
        let read = try members(&scanner) { key, scanner in
            switch key {
            case "delta":
                if try skipNull(&scanner) { return true }
                var delta = OpenAICompatibleProvider.Delta()
                let readDelta = try members(&scanner) { field, scanner in
                    switch field {
                    case "content":
                        guard let content = try optionalString(&scanner) else { return false }
                        delta.content = content
                    case "tool_calls":
                        return false
                    default:
                        try scanner.skipValue()
                    }
                    return true
                }
                guard readDelta else { return false }
                choice.delta = delta
            case "finish_reason":
                guard let reason = try optionalString(&scanner) else { return false }
                choice.finish_reason = reason
            default:
                try scanner.skipValue()
            }
            return true
        }
        return read ? choice : nil
    }

    private static func readUsage(_ scanner: inout JSONScanner) throws -> OpenAICompatibleProvider.Usage? {
        var usage = OpenAICompatibleProvider.Usage()
        let read = try members(&scanner) { key, scanner in
            switch key {
            case "prompt_tokens", "completion_tokens":
                var value: Int?
                if try !skipNull(&scanner) {
                    guard let number = integer(scanner.bytes, try scanner.skipValue()) else { return false }
                    value = number
                }
                if key == "prompt_tokens" { usage.prompt_tokens = value } else { usage.completion_tokens = value }
            default:
                try scanner.skipValue()
            }
            return true
        }
        return read ? usage : nil
    }

    /// Reads an object, handing each member's key to `member` with the scanner at its value,
    /// which it must consume. False when `member` gives up, or a key comes twice (which of the
    /// two the decoder keeps is its own business).
    private static func members(_ scanner: inout JSONScanner, _ member: (String, inout JSONScanner) throws -> Bool) throws -> Bool {
        var seen = Set<String>()
        try scanner.expect(UInt8(ascii: "{"), "an object")
        if scanner.consume(UInt8(ascii: "}")) { return true }
        repeat {
            let key = try scanner.readString()
            try scanner.expect(UInt8(ascii: ":"), "a colon")
            guard seen.insert(key).inserted, try member(key, &scanner) else { return false }
        } while scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"), "the end of the object")
        return true
    }

    /// `null` (consumed, true) or something else (left, false).
    private static func skipNull(_ scanner: inout JSONScanner) throws -> Bool {
        guard scanner.peekSignificant() == UInt8(ascii: "n") else { return false }
        try scanner.skipValue()
        return true
    }

    /// A string or null (`.some(nil)`); nil for any other type.
    private static func optionalString(_ scanner: inout JSONScanner) throws -> String?? {
        if try skipNull(&scanner) { return .some(nil) }
        guard scanner.peekSignificant() == UInt8(ascii: "\"") else { return nil }
        return .some(try scanner.readString())
    }

    /// A plain JSON integer (`-?[0-9]+`) that fits an `Int`; nil for anything else.
    private static func integer(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 18 else { return nil }
        var index = range.lowerBound
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < range.upperBound else { return nil }
        var value = 0
        while index < range.upperBound {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            index += 1
        }
        return negative ? -value : value
    }
}
