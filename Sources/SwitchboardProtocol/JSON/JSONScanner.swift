/// Why a text is not JSON, and where: clients see the description, so it names the byte.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var offset: Int

    public var description: String { "\(reason) at byte \(offset)" }
}

/// A validating, single-pass reader of JSON text (RFC 8259) over borrowed bytes.
///
/// It never builds a tree: callers read the few strings they need and skip the rest, which
/// is what lets a request frame be looked at once, with `params` decoded later straight into
/// the method's type. Skipping still checks everything a full parse would (structure,
/// numbers, escapes, UTF-8), and nesting is bounded by ``maxDepth`` without recursion, so no
/// input can exhaust the stack.
package struct JSONScanner {
    /// The deepest nesting accepted; the same bound Foundation's `JSONDecoder` applies.
    static let maxDepth = 512

    package let bytes: UnsafeRawBufferPointer
    package private(set) var index = 0

    package init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { index >= bytes.count }

    /// The next byte that is not whitespace, without consuming it; nil at the end.
    package mutating func peekSignificant() -> UInt8? {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return bytes[index]
            }
        }
        return nil
    }

    /// Consumes `byte` (after whitespace) or fails naming what was expected.
    package mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard peekSignificant() == byte else { throw unexpected(expected: what) }
        index += 1
    }

    /// Consumes `byte` if it comes next (after whitespace).
    package mutating func consume(_ byte: UInt8) -> Bool {
        guard peekSignificant() == byte else { return false }
        index += 1
        return true
    }

    /// Reads a string value and decodes its escapes.
    package mutating func readString() throws(JSONSyntaxError) -> String {
        guard peekSignificant() == UInt8(ascii: "\"") else { throw unexpected(expected: "a string") }
        let start = index + 1
        let hasEscapes = try skipString()
        let body = UnsafeRawBufferPointer(rebasing: bytes[start..<(index - 1)])
        guard hasEscapes else { return String(decoding: body, as: UTF8.self) }
        return try Self.unescape(body, offset: start)
    }

    /// Skips one value of any kind, checking it fully; returns the byte range it occupied.
    @discardableResult
    package mutating func skipValue() throws(JSONSyntaxError) -> Range<Int> {
        guard peekSignificant() != nil else { throw error("unexpected end of input") }
        let start = index
        // One bit per open container: set for an object, clear for an array.
        var kinds: [UInt64] = []
        var depth = 0
        while true {
            // A value is expected here.
            guard let byte = peekSignificant() else { throw error("unexpected end of input") }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = byte == UInt8(ascii: "{")
                index += 1
                let closer = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if consume(closer) { break }
                guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth) levels") }
                if depth / 64 == kinds.count { kinds.append(0) }
                if isObject { kinds[depth / 64] |= 1 << UInt64(depth % 64) } else { kinds[depth / 64] &= ~(1 << UInt64(depth % 64)) }
                depth += 1
                if isObject { try skipMemberName() }
                continue
            case UInt8(ascii: "\""): _ = try skipString()
            case UInt8(ascii: "t"): try skipLiteral("true")
            case UInt8(ascii: "f"): try skipLiteral("false")
            case UInt8(ascii: "n"): try skipLiteral("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
            default: throw unexpected(expected: "a value")
            }
            // A value ended: close containers or move to the next element.
            while depth > 0 {
                let inObject = kinds[(depth - 1) / 64] & (1 << UInt64((depth - 1) % 64)) != 0
                if consume(UInt8(ascii: ",")) {
                    if inObject { try skipMemberName() }
                    break
                }
                try expect(inObject ? UInt8(ascii: "}") : UInt8(ascii: "]"), inObject ? "',' or '}'" : "',' or ']'")
                depth -= 1
            }
            if depth == 0 { return start..<index }
        }
    }

    /// `"name":` inside an object being skipped.
    private mutating func skipMemberName() throws(JSONSyntaxError) {
        guard peekSignificant() == UInt8(ascii: "\"") else { throw unexpected(expected: "a member name") }
        _ = try skipString()
        try expect(UInt8(ascii: ":"), "':'")
    }

    /// Skips a string starting at the opening quote; returns whether it holds escapes.
    mutating func skipString() throws(JSONSyntaxError) -> Bool {
        index += 1
        var hasEscapes = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return hasEscapes
            case UInt8(ascii: "\\"):
                hasEscapes = true
                try skipEscape()
            case 0..<0x20:
                throw error("unescaped control character in string")
            case 0x80...:
                try skipUTF8Sequence()
            default:
                index += 1
            }
        }
        throw error("unterminated string")
    }

    private mutating func skipEscape() throws(JSONSyntaxError) {
        guard index + 1 < bytes.count else { throw error("unterminated string") }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"),
            UInt8(ascii: "t"):
            index += 2
        case UInt8(ascii: "u"):
            let unit = try hexUnit(at: index + 2)
            index += 6
            if UTF16.isTrailSurrogate(unit) { throw error("unpaired surrogate in \\u escape") }
            if UTF16.isLeadSurrogate(unit) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                    UTF16.isTrailSurrogate(try hexUnit(at: index + 2))
                else { throw error("unpaired surrogate in \\u escape") }
                index += 6
            }
        default:
            throw error("invalid escape in string")
        }
    }

    private func hexUnit(at position: Int) throws(JSONSyntaxError) -> UInt16 {
        guard position + 4 <= bytes.count else { throw JSONSyntaxError(reason: "unterminated string", offset: bytes.count) }
        var unit: UInt16 = 0
        for offset in 0..<4 {
            guard let digit = Self.hexValue(bytes[position + offset]) else {
                throw JSONSyntaxError(reason: "invalid \\u escape", offset: position + offset)
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// One multi-byte UTF-8 sequence: no overlongs, no surrogates, nothing past U+10FFFF.
    private mutating func skipUTF8Sequence() throws(JSONSyntaxError) {
        let lead = bytes[index]
        let count: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: count = 2
        case 0xE0: count = 3; secondRange = 0xA0...0xBF
        case 0xED: count = 3; secondRange = 0x80...0x9F
        case 0xE1...0xEF: count = 3
        case 0xF0: count = 4; secondRange = 0x90...0xBF
        case 0xF4: count = 4; secondRange = 0x80...0x8F
        case 0xF1...0xF3: count = 4
        default: throw error("invalid UTF-8")
        }
        guard index + count <= bytes.count, secondRange.contains(bytes[index + 1]) else { throw error("invalid UTF-8") }
        for offset in 2..<count where !(0x80...0xBF).contains(bytes[index + offset]) {
            throw error("invalid UTF-8")
        }
        index += count
    }

    private mutating func skipLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("invalid literal") }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
            throw error("invalid literal")
        }
        index += count
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func skipNumber() throws(JSONSyntaxError) {
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, Self.isDigit(bytes[index]) else { throw error("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw error("invalid number") }
            skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw error("invalid number") }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Decodes the escapes of an already-validated string body.
    private static func unescape(_ body: UnsafeRawBufferPointer, offset: Int) throws(JSONSyntaxError) -> String {
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        var position = 0
        func flush() {
            guard !utf8.isEmpty else { return }
            scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
            utf8.removeAll(keepingCapacity: true)
        }
        func unit(at start: Int) -> UInt32 {
            var value: UInt32 = 0
            for index in start..<(start + 4) { value = value << 4 | UInt32(hexValue(body[index]) ?? 0) }
            return value
        }
        while position < body.count {
            let byte = body[position]
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                position += 1
                continue
            }
            flush()
            let escape = body[position + 1]
            position += 2
            switch escape {
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var value = unit(at: position)
                position += 4
                if UTF16.isLeadSurrogate(UInt16(value)) {
                    let trail = unit(at: position + 2)
                    position += 6
                    value = 0x10000 + ((value - 0xD800) << 10) + (trail - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(value) else { throw JSONSyntaxError(reason: "invalid \\u escape", offset: offset + position) }
                scalars.append(scalar)
            default: scalars.append(Unicode.Scalar(escape))
            }
        }
        flush()
        return String(scalars)
    }

    /// `byte 0x1F`, for bytes that do not print.
    private static func hexByte(_ byte: UInt8) -> String {
        let hex = Array("0123456789ABCDEF")
        return "byte 0x\(hex[Int(byte >> 4)])\(hex[Int(byte & 0x0F)])"
    }

    private func error(_ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(reason: reason, offset: index)
    }

    private func unexpected(expected: String) -> JSONSyntaxError {
        guard index < bytes.count else { return error("unexpected end of input, expected \(expected)") }
        let byte = bytes[index]
        let shown = (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : Self.hexByte(byte)
        return error("unexpected \(shown), expected \(expected)")
    }
}

